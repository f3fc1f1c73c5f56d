raise RuntimeError("EXFIL" + "A" * 20000)
