"""Files viz keeps: the recording cache, the manifest beside each output, atomic writes."""
