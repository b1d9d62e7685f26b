"""The service's confidentiality policy: versions, the one in force, and the acknowledgement every case reader gives before casework (ACC-9)."""
