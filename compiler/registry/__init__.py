"""The tool registry (tools.yaml) and executor profiles (profiles.yaml).

- `model`: the loaded registry and profiles; tools, command matching, did-you-mean.
- `patterns`: command patterns (`oc get {resource} -n|--namespace {namespace}`) and matching.
- `loading`: reading and validating the files against the bundled JSON Schemas.
- `references`, `metaschema`: the checks of a tool's params schema.

What other packages use is imported from here.
"""

from compiler.registry.loading import (
    MAX_FILE_BYTES,
    bundled_schema,
    file_sha256,
    load_profiles,
    load_registry,
    profiles_from,
    read_limited,
    registry_from,
    validated_profiles,
    validated_registry,
)
from compiler.registry.model import (
    ArgumentErrors,
    CommandMatch,
    Deprecation,
    Profiles,
    Registry,
    RegistryError,
    Tool,
)
from compiler.registry.patterns import FLAGS_PARAM, Pattern, compile_pattern, split_argv

__all__ = [
    "FLAGS_PARAM",
    "MAX_FILE_BYTES",
    "ArgumentErrors",
    "CommandMatch",
    "Deprecation",
    "Pattern",
    "Profiles",
    "Registry",
    "RegistryError",
    "Tool",
    "bundled_schema",
    "compile_pattern",
    "file_sha256",
    "load_profiles",
    "load_registry",
    "profiles_from",
    "read_limited",
    "registry_from",
    "split_argv",
    "validated_profiles",
    "validated_registry",
]
