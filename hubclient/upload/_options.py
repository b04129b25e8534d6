"""Knobs of the upload engine, with defaults that suit a laptop and a mirroring job alike."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UploadOptions"]


@dataclass(frozen=True, slots=True)
class UploadOptions:
    """Concurrency and memory limits of one upload.

    Attributes:
        max_concurrent_files: LFS files transferred at once (``num_threads`` in HfApi's terms).
        max_concurrent_parts: multipart parts in flight at once, over all files.
        max_parts_per_file: parts of one file in flight at once.
        memory_budget: bytes of file content held in memory at once, whatever the file sizes.
        read_chunk_size: bytes read from disk per step while streaming a PUT body.
        hash_workers: worker threads hashing at once.
        preupload_batch_size: files per preupload request (the Hub accepts 256).
        lfs_batch_size: objects per LFS batch request.
        max_retries: retries of one PUT (part or basic) or completion/verify after the first try.
        backoff_base: first wait before a retry, doubled each time up to ``backoff_max``.
        backoff_max: the longest wait between two retries.
        pipeline_threshold: LFS files at least this big are hashed, announced to the LFS batch
            endpoint and uploaded one by one, as soon as their own hash is known, so that
            hashing one file overlaps uploading another (smaller ones are hashed first and
            announced in batches).
    """

    max_concurrent_files: int = 5
    max_concurrent_parts: int = 16
    max_parts_per_file: int = 8
    memory_budget: int = 64 * 1024 * 1024
    read_chunk_size: int = 1024 * 1024
    hash_workers: int = 4
    preupload_batch_size: int = 256
    lfs_batch_size: int = 256
    max_retries: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 8.0
    pipeline_threshold: int = 64 * 1024 * 1024

    def __post_init__(self) -> None:
        for name in (
            "max_concurrent_files",
            "max_concurrent_parts",
            "max_parts_per_file",
            "memory_budget",
            "read_chunk_size",
            "hash_workers",
            "preupload_batch_size",
            "lfs_batch_size",
            "pipeline_threshold",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"UploadOptions.{name} must be at least 1")
        if self.max_retries < 0 or self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError("UploadOptions retry settings cannot be negative")
