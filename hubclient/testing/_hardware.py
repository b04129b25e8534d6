"""The hardware the local Hub offers Spaces and Jobs (names as huggingface_hub 2.4.0 knows them;
specs and prices plausible, not the Hub's bill)."""

from __future__ import annotations

from typing import Any

__all__ = ["JOB_FLAVORS", "SPACE_FLAVORS", "flavor_json"]

# name, pretty name, vCPU, RAM GB, disk GB, (gpu model, count, vram GB per gpu) or None, $/hour
_TABLE: tuple[tuple[str, str, int, int, int, tuple[str, int, int] | None, float], ...] = (
    ("cpu-basic", "CPU Basic", 2, 16, 50, None, 0.0),
    ("cpu-upgrade", "CPU Upgrade", 8, 32, 50, None, 0.03),
    ("cpu-performance", "CPU Performance", 32, 256, 50, None, 0.6),
    ("cpu-xl", "CPU XL", 16, 124, 50, None, 1.0),
    ("zero-a10g", "ZeroGPU", 2, 16, 50, ("A10G", 1, 24), 0.0),
    ("t4-small", "Nvidia T4 - small", 4, 15, 50, ("T4", 1, 16), 0.4),
    ("t4-medium", "Nvidia T4 - medium", 8, 30, 100, ("T4", 1, 16), 0.6),
    ("l4x1", "1x Nvidia L4", 8, 30, 400, ("L4", 1, 24), 0.8),
    ("l4x4", "4x Nvidia L4", 48, 186, 3200, ("L4", 4, 24), 3.8),
    ("l40sx1", "1x Nvidia L40S", 8, 62, 380, ("L40S", 1, 48), 1.8),
    ("l40sx4", "4x Nvidia L40S", 48, 382, 3200, ("L40S", 4, 48), 8.3),
    ("l40sx8", "8x Nvidia L40S", 192, 1534, 6500, ("L40S", 8, 48), 23.5),
    ("a10g-small", "Nvidia A10G - small", 4, 15, 110, ("A10G", 1, 24), 1.0),
    ("a10g-large", "Nvidia A10G - large", 12, 46, 200, ("A10G", 1, 24), 1.5),
    ("a10g-largex2", "2x Nvidia A10G - large", 24, 92, 1000, ("A10G", 2, 24), 3.0),
    ("a10g-largex4", "4x Nvidia A10G - large", 48, 184, 2000, ("A10G", 4, 24), 5.0),
    ("a100-large", "Nvidia A100 - large", 12, 142, 1000, ("A100", 1, 80), 2.5),
    ("a100x4", "4x Nvidia A100", 44, 568, 4000, ("A100", 4, 80), 10.0),
    ("a100x8", "8x Nvidia A100", 88, 1136, 8000, ("A100", 8, 80), 20.0),
    ("h200", "1x Nvidia H200", 23, 256, 3000, ("H200", 1, 141), 5.0),
    ("h200x2", "2x Nvidia H200", 46, 512, 6000, ("H200", 2, 141), 10.0),
    ("h200x4", "4x Nvidia H200", 92, 1024, 12000, ("H200", 4, 141), 20.0),
    ("h200x8", "8x Nvidia H200", 184, 2048, 24000, ("H200", 8, 141), 40.0),
    ("rtx-pro-6000", "1x Nvidia RTX PRO 6000", 16, 128, 1000, ("RTX PRO 6000", 1, 96), 2.0),
    ("rtx-pro-6000x2", "2x Nvidia RTX PRO 6000", 32, 256, 2000, ("RTX PRO 6000", 2, 96), 4.0),
    ("rtx-pro-6000x4", "4x Nvidia RTX PRO 6000", 64, 512, 4000, ("RTX PRO 6000", 4, 96), 8.0),
    ("rtx-pro-6000x8", "8x Nvidia RTX PRO 6000", 128, 1024, 8000, ("RTX PRO 6000", 8, 96), 16.0),
)
_JOBS_ONLY = {"cpu-performance", "cpu-xl", "h200", "h200x2", "h200x4", "h200x8"}
_SPACES_ONLY = {"zero-a10g"}


def flavor_json(name: str) -> dict[str, Any]:
    """The hardware entry of ``name`` as ``/api/{spaces,jobs}/hardware`` lists it."""
    for flavor, pretty, cpu, ram, disk, gpu, per_hour in _TABLE:
        if flavor != name:
            continue
        micro = round(per_hour * 1_000_000 / 60)
        return {
            "name": flavor,
            "prettyName": pretty,
            "cpu": f"{cpu} vCPU",
            "ram": f"{ram} GB",
            "ephemeralStorage": f"{disk} GB",
            "accelerator": None
            if gpu is None
            else {
                "type": "gpu",
                "model": gpu[0],
                "quantity": str(gpu[1]),
                "vram": f"{gpu[1] * gpu[2]} GB",
                "manufacturer": "Nvidia",
            },
            "unitCostMicroUSD": micro,
            "unitCostUSD": micro / 1_000_000,
            "unitLabel": "minute",
        }
    raise KeyError(name)


SPACE_FLAVORS: tuple[str, ...] = tuple(row[0] for row in _TABLE if row[0] not in _JOBS_ONLY)
JOB_FLAVORS: tuple[str, ...] = tuple(row[0] for row in _TABLE if row[0] not in _SPACES_ONLY)
