"""Training case studies: a case with identifying details removed, signed off by a coordinator before anyone can download it (COM-6)."""
