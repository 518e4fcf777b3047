"""Consumer-aware registration for the registration code that still calls it by this name.

The contract store lives in registry.contract_store; registration will call its guard
(`ContractRegistrationGuard`) through the registry's guard protocol instead, and this module goes.
"""

from registry.contract_store.guard import check_registration

__all__ = ["check_registration"]
