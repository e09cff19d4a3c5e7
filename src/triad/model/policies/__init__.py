"""The policy catalogue: one registry, one module per actor, plus ``human``."""

from triad.model.policies.base import ACTION_SPACES, ActionSpec, Observation, Policy
from triad.model.policies.registry import all_policies, get_policy, policy_names

__all__ = [
    "ACTION_SPACES",
    "ActionSpec",
    "Observation",
    "Policy",
    "all_policies",
    "get_policy",
    "policy_names",
]
