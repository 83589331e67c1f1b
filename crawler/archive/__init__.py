"""``crawler archive``: whole web archives (CC-NEWS, Heritrix, Browsertrix) on Dask.

One Dask task per input archive, streamed (never downloaded whole); each task writes its records
to one partition, atomically, and a manifest in the output folder says which inputs are done, so
a killed job resumes and a lost worker's input is simply redone.

- ``inputs``: INPUT arguments (files, globs, folders, ``@list`` files, fsspec URLs) to archives
- ``reader``: one archive stream to response (and revisit) records with their offsets and faults
- ``record``: the record of one capture, the rule the ``warc`` spider shares
- ``task``: what a worker does with one archive (filters, the extract core, the partition)
- ``outputs``: manifest, merged file, Parquet
- ``command``: the command line and the Dask driver
"""
