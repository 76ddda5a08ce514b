"""The build: the pipeline of `chamber build` (`pipeline.build_chamber`), where a site is built and swapped
in, what `.cache/` remembers, work in other processes, the portal."""
