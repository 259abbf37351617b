-- Why a rule was switched off by the server rather than by a person (review p4, finding 2): deleting a
-- column switches off, in the same transaction, the rules that name it, and says so here
-- ("column 'Review' (17) was deleted"), so the board's Rules list shows why the rule no longer fires
-- instead of a run log full of refusals. Cleared when someone switches the rule on again or off
-- themselves (rule/Rules.update). Nullable without a default: no table rewrite.
alter table rules add column disabled_reason text check (char_length(disabled_reason) <= 500);
