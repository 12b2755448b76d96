"""Port a canonical model to standalone numpy, JavaScript or C, and prove the port.

    plan = plan_port(model, "c")                  # refuses, by layer name, what it cannot generate
    write_port(plan, folder, inputs, expected, "tf_keras 2.21.0")
    outputs = run_generated(folder, "c", inputs, plan.token_inputs)   # after build(folder, "c")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inspector.core.port.contract import build, decode, encode, missing_tool, run_generated
from inspector.core.port.plan import LANGUAGES, PortPlan, plan_port
from inspector.core.port.readme import Proof, readme

__all__ = ["LANGUAGES", "PortPlan", "Proof", "build", "decode", "encode", "generate", "missing_tool", "plan_port",
           "run_generated", "write_port", "write_readme"]


def generate(plan: PortPlan) -> dict[str, bytes]:
    """The generated files of the plan's language, by file name."""
    if plan.language == "numpy":
        from inspector.core.port.numpy.to_numpy import numpy_files

        return numpy_files(plan)
    if plan.language == "js":
        from inspector.core.port.to_js import js_files

        return js_files(plan)
    from inspector.core.port.to_c import c_files

    return c_files(plan)


def write_port(plan: PortPlan, folder: Path, inputs: list[np.ndarray], expected: list[np.ndarray],
               expected_source: str) -> list[str]:
    """Write the code, test_input.txt and expected_output.txt into `folder`; the file names."""
    folder.mkdir(parents=True, exist_ok=True)
    files = generate(plan)
    files["test_input.txt"] = encode(inputs, plan.token_inputs).encode()
    files["expected_output.txt"] = (f"# computed by {expected_source}\n"
                                    + encode(expected, [False] * len(expected))).encode()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return sorted(files) + ["README.md"]


def write_readme(plan: PortPlan, folder: Path, proof: Proof, expected_source: str) -> None:
    (folder / "README.md").write_text(readme(plan, proof, expected_source))
