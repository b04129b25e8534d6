"""What the parity ledger cannot read off the code: who builds what is missing, what is not
planned and why, and where the seed-era methods huggingface_hub 2.4.0 removed went.

A deviation of a method we *have* is explained next to that method, in its area module
(``DEVIATIONS`` / ``NOTES`` in ``hubclient/_areas/<area>.py``); this file is only for what has
no code yet. An entry for a method that exists by now is ignored (the code wins), so an area
that lands its methods needs no edit here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FUNCTIONS",
    "NOT_PLANNED",
    "PLANNED",
    "SEED_ERA",
    "Planned",
    "Removed",
]


@dataclass(frozen=True)
class Planned:
    """A method (or function) not built yet: the issue that builds it, and its area."""

    issue: int
    area: str


def _each(issue: int, area: str, names: str) -> dict[str, Planned]:
    return {name: Planned(issue, area) for name in names.split()}


#: HfApi 2.4.0 methods that hubclient does not have yet, by the issue that builds them.
PLANNED: dict[str, Planned] = {
    # issue 11: the repo and file long tail
    **_each(11, "repos", "duplicate_repo super_squash_history list_lfs_files"),
    **_each(11, "repos", "permanently_delete_lfs_files get_full_repo_name list_user_repos"),
    **_each(11, "info", "resolve_revision auth_check kernel_info"),
    **_each(11, "files", "copy_files verify_repo_checksums"),
    **_each(11, "discover", "get_model_tags get_dataset_tags search_spaces"),
    **_each(11, "datasets", "list_dataset_parquet_files get_dataset_leaderboard"),
    **_each(11, "papers", "paper_info read_paper list_papers list_daily_papers"),
    # issue 14: community
    **_each(
        14,
        "discussions",
        "get_repo_discussions get_discussion_details create_discussion create_pull_request "
        "comment_discussion edit_discussion_comment hide_discussion_comment rename_discussion "
        "change_discussion_status merge_pull_request upload_attachment",
    ),
    **_each(
        14,
        "access_requests",
        "list_pending_access_requests list_accepted_access_requests "
        "list_rejected_access_requests accept_access_request reject_access_request "
        "cancel_access_request grant_access",
    ),
    **_each(
        14,
        "collections",
        "get_collection list_collections create_collection delete_collection "
        "add_collection_item update_collection_item delete_collection_item "
        "update_collection_metadata update_collection_resource_group",
    ),
    **_each(
        14,
        "users",
        "unlike list_liked_repos list_repo_likers get_user_overview get_organization_overview "
        "list_user_followers list_user_following list_organization_members "
        "list_organization_followers",
    ),
    **_each(
        14,
        "webhooks",
        "create_webhook get_webhook list_webhooks update_webhook enable_webhook "
        "disable_webhook delete_webhook",
    ),
    # issue 15: Spaces, Inference Endpoints and Jobs
    **_each(
        15,
        "spaces",
        "get_space_runtime wait_for_space fetch_space_logs request_space_hardware "
        "set_space_sleep_time pause_space restart_space enable_space_dev_mode "
        "disable_space_dev_mode add_space_secret delete_space_secret get_space_secrets "
        "add_space_variable delete_space_variable get_space_variables set_space_volumes "
        "delete_space_volumes list_spaces_hardware list_space_templates get_zero_gpu_quota",
    ),
    **_each(
        15,
        "endpoints",
        "create_inference_endpoint create_inference_endpoint_from_catalog "
        "get_inference_endpoint list_inference_endpoints update_inference_endpoint "
        "pause_inference_endpoint resume_inference_endpoint scale_to_zero_inference_endpoint "
        "delete_inference_endpoint list_inference_endpoints_hardware list_inference_catalog",
    ),
    **_each(
        15,
        "jobs",
        "run_job run_uv_job list_jobs inspect_job cancel_job rerun_job wait_for_job "
        "fetch_job_logs fetch_job_metrics update_job_expose update_job_labels list_jobs_hardware "
        "sync_job_volume create_scheduled_job create_scheduled_uv_job list_scheduled_jobs "
        "inspect_scheduled_job delete_scheduled_job suspend_scheduled_job resume_scheduled_job "
        "trigger_scheduled_job update_scheduled_job_labels update_scheduled_job_schedule",
    ),
    # issue 16: data access
    **_each(
        16,
        "safetensors",
        "get_safetensors_metadata get_sharded_safetensors_metadata parse_safetensors_file_metadata",
    ),
    # issue 20: Xet and storage buckets
    **_each(
        20,
        "buckets",
        "batch_bucket_files bucket_info create_bucket delete_bucket download_bucket_files "
        "get_bucket_file_metadata get_bucket_paths_info list_bucket_tree list_buckets "
        "move_bucket sync_bucket update_bucket_settings",
    ),
}

#: HfApi 2.4.0 methods hubclient will not have, and why.
NOT_PLANNED: dict[str, str] = {
    "run_as_future": (
        "an async client runs calls in the background natively: start the coroutine in a task "
        "group (`tg.start_soon(client.upload_folder, ...)`) or gather several; with HubClient, "
        "submit the call to a concurrent.futures executor"
    ),
}

#: huggingface_hub module-level functions that are not HfApi methods, and that hubclient
#: offers or plans (``None``: hubclient has it, in ``hubclient/_file_functions.py``).
FUNCTIONS: dict[str, Planned | None] = {
    "hf_hub_url": None,
    "try_to_load_from_cache": None,
    **_each(16, "auth", "login logout auth_list auth_switch get_token"),
    **_each(16, "cache", "scan_cache_dir"),
    **_each(16, "cards", "metadata_load metadata_save metadata_update metadata_eval_result"),
}


@dataclass(frozen=True)
class Removed:
    """A method of the seed-era HfApi (0.20/0.23) that huggingface_hub 2.4.0 no longer has.

    hubclient keeps an alias where the Hub still serves the operation: once the method exists
    the ledger says so; until then ``planned`` names who builds it, or ``reason`` says why not.
    """

    seeds: str
    """The seed references that document it."""
    went: str
    """What became of it upstream, and what 2.4.0 offers instead."""
    planned: Planned | None = None
    """The issue that builds (or decides on) its alias, until hubclient has it."""
    reason: str | None = None
    """Why there is no alias."""


#: The seed-era HfApi methods 2.4.0 removed, and where each went.
SEED_ERA: dict[str, Removed] = {
    "update_repo_visibility": Removed(
        "0.20, 0.23",
        "replaced by update_repo_settings(private=...) (same PUT /api/{type}s/{id}/settings)",
        planned=Planned(11, "repos"),
    ),
    "get_token_permission": Removed(
        "0.20, 0.23",
        "gone by 1.x; the role is whoami()['auth']['accessToken']['role']",
        planned=Planned(11, "users"),
    ),
    "list_files_info": Removed(
        "0.20",
        "deprecated in 0.20 for list_repo_tree / get_paths_info, removed in 0.23",
        planned=Planned(11, "files"),
    ),
    "like": Removed(
        "0.20, 0.23",
        "removed in 0.28: the Hub stopped taking likes from scripts (unlike stays)",
        planned=Planned(14, "users"),
    ),
    "duplicate_space": Removed(
        "0.20, 0.23",
        "replaced by duplicate_repo(from_id, repo_type='space', ...) "
        "(same POST /api/spaces/{id}/duplicate)",
        planned=Planned(15, "spaces"),
    ),
    "request_space_storage": Removed(
        "0.20, 0.23",
        "persistent storage was deprecated for mounted volumes, then removed: "
        "set_space_volumes (issue 15)",
        reason="the Hub retired persistent storage; volumes replace it",
    ),
    "delete_space_storage": Removed(
        "0.20, 0.23",
        "removed with persistent storage: delete_space_volumes (issue 15)",
        reason="the Hub retired persistent storage; volumes replace it",
    ),
    "list_metrics": Removed(
        "0.20, 0.23",
        "removed in 0.27 (metrics live in the evaluate library and its Spaces now)",
        reason="the Hub's metrics listing is gone with the metrics of `datasets`",
    ),
    "create_commits_on_pr": Removed(
        "0.20, 0.23",
        "experimental multi-commit uploads, removed in 0.27",
        reason=(
            "commit in batches with create_commit(parent_commit=...) or upload_folder; "
            "mirroring already commits large trees in batches"
        ),
    ),
}
