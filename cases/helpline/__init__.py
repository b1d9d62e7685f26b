"""The helpline: calls and enquiries logged while the parent is on the line, referrals with agreement, linked enquiries and voicemail (REF-*)."""
