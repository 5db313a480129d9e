"""`jsonschema.validate` with each schema checked against its metaschema
once, not on every call.

`jsonschema.validate(instance, schema)` checks `schema` itself against the
metaschema before it validates `instance` (draft 2020-12: ~0.1 s for a
Mistral task's schema on this machine), and Mistral calls it for every
task, clause and policy of a workflow it is given: 11 s to create or
validate the bundled healing workflow (60 tasks), the longest step of a
launch. The schemas are Mistral's constants; every instance is still
validated against them exactly as before (same validator, same best match).
"""

import functools
import json

from jsonschema import exceptions
from jsonschema import validators


@functools.lru_cache(maxsize=256)
def _checked_validator(schema_text, cls):
    """The validator class for the schema, once it has checked it."""
    schema = json.loads(schema_text)
    cls = cls or validators.validator_for(schema)
    cls.check_schema(schema)
    return cls


def validate(instance, schema, cls=None, *args, **kwargs):
    """jsonschema.validate, the schema's own check done once."""
    cls = _checked_validator(json.dumps(schema, sort_keys=True), cls)
    error = exceptions.best_match(
        cls(schema, *args, **kwargs).iter_errors(instance))
    if error is not None:
        raise error
