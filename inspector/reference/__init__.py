"""Keras as the reference, safely: real Keras runs only in a child process, only on cleared files.

The parent side (this package minus `child` and `keras_side`) never imports TensorFlow,
Keras or tf_keras; it speaks canonical models, numpy arrays and JSON.

    plan = plan_reference(model)              # which Keras may load the file, or why none may
    job = ReferenceJob(model, inputs)         # start() / poll() / cancel() / result()
    result = compute_reference(model, inputs) # the same, blocking
"""

from __future__ import annotations

from inspector.reference.inputs import seeded_inputs
from inspector.reference.plan import KERAS3, TF_KERAS, Plan, plan_reference, unsafe_reason
from inspector.reference.runner import (
    DEFAULT_TIMEOUT,
    Progress,
    ReferenceCancelled,
    ReferenceFailed,
    ReferenceJob,
    ReferenceResult,
    ReferenceTimeout,
    compute_reference,
)

__all__ = [
    "DEFAULT_TIMEOUT", "KERAS3", "TF_KERAS", "Plan", "Progress", "ReferenceCancelled", "ReferenceFailed",
    "ReferenceJob", "ReferenceResult", "ReferenceTimeout", "compute_reference", "plan_reference",
    "seeded_inputs", "unsafe_reason",
]
