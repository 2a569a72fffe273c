"""How a remembered record is copied for a command: containers anew, their values shared.

The application keeps recent records in memory and hands each command a deep copy, so a
command that is refused halfway leaves the remembered record untouched. A record's state is
values that never change (text, numbers, frozen dataclasses, lists replaced whole) held in
dicts and lists that do change; copying those containers one level down is therefore a full
copy, at a fraction of what copy.deepcopy spends walking every value of a long course.
"""

from __future__ import annotations

from typing import Any


class CopiedPerCommand:
    """Mixed into an aggregate whose containers hold only values that never change."""

    def __deepcopy__(self, memo: dict[int, Any]) -> CopiedPerCommand:
        copy = object.__new__(type(self))
        copy.__dict__.update({name: _one_level(value) for name, value in vars(self).items()})
        return copy


def _one_level(value: Any) -> Any:
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        return list(value)
    return value
