"""Coercion Watch: a verifiable record of coercion against international justice."""
