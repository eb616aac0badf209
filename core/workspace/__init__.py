"""The seam: the one object the app and every command use to reach the engine.

``Workspace`` (open, overview, token, estimate, sync with enrichment, report, PR detail) built from
``Services`` (the settings plus injected transports). Front ends import from this package, the
events, errors, settings and report types, and nothing else of ``core`` (tests/test_import_contract.py).
The names below are the facade's vocabulary: the types its methods take and return.
"""

from tformance.core.dates import utc_now
from tformance.core.detection.detector import CommitText, PullRequestText
from tformance.core.detection.rescan import RescanResult
from tformance.core.detection.tools import display_name
from tformance.core.enrichment.batch import BatchOutcome
from tformance.core.enrichment.live import EnrichmentSummary
from tformance.core.errors import LLMNoKey
from tformance.core.github.client import RepoInfo, TokenInfo
from tformance.core.github.token_sources import SOURCE_DESCRIPTIONS, FoundToken
from tformance.core.llm.client import LLMClient
from tformance.core.llm.cost import format_cost
from tformance.core.store.database import database_failure
from tformance.core.store.overview import PullRequestDetail, StoreOverview
from tformance.core.store.pr_store import TrackedRepo
from tformance.core.store.sync_lock import SyncLocked
from tformance.core.sync.estimate import Estimate, Pace, rough_duration
from tformance.core.workspace.results import BatchResult, PullRequestCounts, RepositoryList, SyncPreview
from tformance.core.workspace.services import DemoBackend, Services
from tformance.core.workspace.sync_run import SyncEnrichment, SyncOutcome
from tformance.core.workspace.workspace import LLMFactory, Workspace

__all__ = [
    "SOURCE_DESCRIPTIONS",
    "BatchOutcome",
    "BatchResult",
    "CommitText",
    "DemoBackend",
    "EnrichmentSummary",
    "Estimate",
    "FoundToken",
    "LLMClient",
    "LLMFactory",
    "LLMNoKey",
    "Pace",
    "PullRequestCounts",
    "PullRequestDetail",
    "PullRequestText",
    "RepoInfo",
    "RepositoryList",
    "RescanResult",
    "Services",
    "StoreOverview",
    "SyncEnrichment",
    "SyncLocked",
    "SyncOutcome",
    "SyncPreview",
    "TokenInfo",
    "TrackedRepo",
    "Workspace",
    "database_failure",
    "display_name",
    "format_cost",
    "rough_duration",
    "utc_now",
]
