"""A fix to suggest for an event name that does not read as a past-tense fact.

"CreateOrder" is a command: the fact it leads to is "OrderCreated" (the verb moves to the end, in the
past tense). "OrderCreate" becomes "OrderCreated"; a name with no verb ("OrderStatus") gets one
("OrderStatusChanged").
"""

from __future__ import annotations

# Verbs that commands and events commonly start or end with, and their irregular past forms.
_IRREGULAR = {
    "Begin": "Begun",
    "Buy": "Bought",
    "Choose": "Chosen",
    "Do": "Done",
    "Get": "Got",
    "Give": "Given",
    "Make": "Made",
    "Pay": "Paid",
    "Put": "Put",
    "Read": "Read",
    "Sell": "Sold",
    "Send": "Sent",
    "Set": "Set",
    "Take": "Taken",
    "Withdraw": "Withdrawn",
    "Write": "Written",
}
_DOUBLED = {
    "Cancel": "Cancelled",
    "Ship": "Shipped",
    "Stop": "Stopped",
    "Submit": "Submitted",
    "Plan": "Planned",
    "Drop": "Dropped",
}
_REGULAR = frozenset(
    [
        "Accept",
        "Activate",
        "Add",
        "Allocate",
        "Approve",
        "Archive",
        "Assign",
        "Authorize",
        "Block",
        "Book",
        "Calculate",
        "Cancel",
        "Capture",
        "Change",
        "Charge",
        "Check",
        "Claim",
        "Close",
        "Complete",
        "Confirm",
        "Create",
        "Deactivate",
        "Decline",
        "Delete",
        "Deliver",
        "Deny",
        "Dispatch",
        "Enable",
        "Disable",
        "Expire",
        "Export",
        "Fail",
        "Finish",
        "Fulfil",
        "Fulfill",
        "Generate",
        "Import",
        "Invite",
        "Issue",
        "Join",
        "Load",
        "Lock",
        "Merge",
        "Move",
        "Notify",
        "Open",
        "Pack",
        "Pick",
        "Place",
        "Post",
        "Process",
        "Publish",
        "Receive",
        "Record",
        "Refund",
        "Register",
        "Reject",
        "Release",
        "Remove",
        "Rename",
        "Request",
        "Reserve",
        "Reset",
        "Resolve",
        "Restore",
        "Return",
        "Review",
        "Revoke",
        "Schedule",
        "Save",
        "Sign",
        "Start",
        "Store",
        "Subscribe",
        "Suspend",
        "Sync",
        "Transfer",
        "Trigger",
        "Unlock",
        "Unsubscribe",
        "Update",
        "Upload",
        "Validate",
        "Verify",
        "Void",
    ]
)


def past_tense(verb: str) -> str:
    """The past participle of a capitalised English verb ("Create" -> "Created", "Pay" -> "Paid")."""
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb in _DOUBLED:
        return _DOUBLED[verb]
    if verb.endswith("e"):
        return f"{verb}d"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in "aeiou":
        return f"{verb[:-1]}ied"
    return f"{verb}ed"


def is_verb(word: str) -> bool:
    return word in _REGULAR or word in _IRREGULAR or word in _DOUBLED


def suggested_name(words: list[str]) -> str:
    """A past-tense event name made of the words of a name that is not one (at least two words)."""
    first, last = words[0], words[-1]
    if is_verb(first) and not is_verb(last):
        return "".join(words[1:]) + past_tense(first)  # CreateOrder -> OrderCreated
    if is_verb(last):
        return "".join(words[:-1]) + past_tense(last)  # OrderCreate -> OrderCreated
    return "".join(words) + "Changed"  # OrderStatus -> OrderStatusChanged
