"""Nothing leaves this machine: libraries that would reach the network are told not to before
they load."""

from __future__ import annotations

import os

# onnxruntime (under the Piper voice) sends usage events to its vendor from threads of its own
# unless this is set; it must be in the environment before the library starts.
ONNXRUNTIME_TELEMETRY = "ORT_DISABLE_TELEMETRY"


def keep_offline() -> None:
    os.environ[ONNXRUNTIME_TELEMETRY] = "1"


def quiet_onnxruntime() -> None:
    """The same, said to onnxruntime itself, for code that did not start at `main`."""
    keep_offline()
    try:
        import onnxruntime

        onnxruntime.disable_telemetry_events()
    except Exception:  # no onnxruntime, or one without the switch: nothing to quiet
        pass
