"""Pages people use: sign in, sign out, change password (the admin UI grows from here)."""
