"""People managed by headquarters: administrators and user managers invite
people by e-mail, set their office and role, deactivate and reactivate them,
without Django admin. Who may do what is `accounts.access` (`can_manage_people`,
`grantable_roles`, `can_change_person`)."""
