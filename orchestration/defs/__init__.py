"""The code location, laid out by integration: each package owns its assets,
resources, checks, jobs and schedules and offers them as `definitions.defs()`;
`build_definitions` assembles them for one set of settings."""
