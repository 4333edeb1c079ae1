"""Staff two-factor login: an authenticator app's time-based codes
(django-otp's TOTP device) with ten single-use recovery codes (its static
device), a second sign-in step that nothing else can be reached without, and
a policy an administrator can switch on to require it for every account."""
