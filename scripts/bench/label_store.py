"""scripts/read-label-store.py as an importable module for the bench scripts beside it
(`from label_store import rls`)."""
import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "rls", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "read-label-store.py"))
rls = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rls)
