"""Every GraphQL document the client can send must validate against GitHub's real schema."""

import graphql
import pytest

from tformance.core.github import queries as github_queries


@pytest.mark.parametrize("name", sorted(github_queries.all_documents()))
def test_query_validates_against_github_schema(github_schema, name):
    document = graphql.parse(github_queries.all_documents()[name])
    errors = graphql.validate(github_schema, document)
    assert errors == [], [error.message for error in errors]


def test_page_sizes_stay_within_githubs_limit():
    # graphql-core does not check GitHub's 1..100 rule for first/last: we must.
    for value in (github_queries.NESTED_PAGE, github_queries.LABELS_PAGE, github_queries.FOLLOW_UP_PAGE):
        assert 1 <= value <= 100
    with pytest.raises(ValueError):
        github_queries.pull_request_counts(101)
