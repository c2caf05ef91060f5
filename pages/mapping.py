"""Mapping: where each kind of POS amount goes in QuickBooks.

The working copy lives in session state until Save Settings; the saved mapping lives in
the store. Grid edits and the one-row control both change the working copy.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import streamlit as st
from posbooks import services
from posbooks.app import mapping as um
from posbooks.app.format import md_escape, relative_time

if "workbench" not in st.session_state:  # a bookmarked page opened before app.py first ran
    st.switch_page("app.py")
wb: services.Workbench = st.session_state["workbench"]
st.title("Mapping")

# --- QuickBooks settings ------------------------------------------------------------------
status = services.connection(wb)
# One row, the button as wide as its label (a 2/7 column clipped it at 1280 px).
row = st.container(horizontal=True, vertical_alignment="center")
refresh = row.button(
    "Refresh QuickBooks Online Settings",
    disabled=not status.connected,
    help=None if status.connected else "Connect to QuickBooks first.",
)
right = row.container()  # what was fetched, beside the button
if refresh:
    with st.spinner("Reading accounts, classes, locations and items from QuickBooks ..."):
        try:
            fresh = services.refresh_settings(wb)
        except services.WorkbenchError as exc:
            st.error(md_escape(exc))
        else:
            st.toast(f"Fetched {len(fresh.accounts)} accounts from QuickBooks.")
settings = services.current_settings(wb)
if settings is None:
    right.warning(
        "QuickBooks settings were never refreshed: the account lists are empty."
        + ("" if status.connected else " Connect to QuickBooks on Connect first, then refresh.")
    )  # the disabled button's reason is otherwise only in its hover tooltip
else:
    fetched = settings.fetched_at
    right.markdown(
        f"Settings of **{md_escape(settings.company_name)}**, last refreshed "
        + (
            f"{fetched:%Y-%m-%d %H:%M} UTC ({relative_time(fetched, datetime.now(UTC))})."
            if fetched
            else "never."
        )
    )

# --- how POS exports are read (the source profile) --------------------------------------
profile = services.source_profile(wb)
with st.expander("How your POS exports are read: " + md_escape(profile.describe())):
    choices = services.preset_choices()
    with st.form("source_profile"):
        o = profile.options
        p1, p2, p3 = st.columns(3)
        preset = p1.selectbox("POS", list(choices), index=list(choices).index(profile.preset or ""),
                              format_func=choices.get)  # fmt: skip
        tax_code = p2.text_input("Tax code of the export's tax", o.tax_code)
        clearing = p3.text_input("Clearing payment method (exports without tenders)",
                                 o.clearing_method or "")  # fmt: skip
        q1, q2, q3, q4 = st.columns(4)
        orders = {"From the file": None, "Day first (DD/MM)": True, "Month first (MM/DD)": False}
        order = q1.selectbox("Dates", list(orders), index=list(orders.values()).index(o.day_first))
        cutoff = q2.number_input("Business day starts at (hour)", 0, 12, o.cutoff_hour)
        outlet = q3.text_input("Outlet when the export names none", o.outlet or "")
        gratuity = q4.selectbox("Gratuity", ["service_charge", "tip"],
                                index=["service_charge", "tip"].index(o.gratuity_as))  # fmt: skip
        if st.form_submit_button("Save how exports are read"):
            try:
                saved = services.save_source_options(
                    wb, preset or None, tax_code=tax_code or "Sales tax",
                    clearing_method=clearing or None, day_first=orders[order],
                    cutoff_hour=int(cutoff), outlet=outlet or None, gratuity_as=gratuity,
                )  # fmt: skip
            except ValueError as exc:
                st.error(md_escape(exc))
            else:
                st.session_state["data_source"] = services.with_current_profile(
                    wb, st.session_state.get("data_source") or services.sample_source()
                )
                st.success(f"Saved (version {saved.version}): {md_escape(saved.describe())}")

# --- the POS amounts to map -------------------------------------------------------------
source = st.session_state.get("data_source") or services.sample_source()
summary = services.summarize_source(source)
if not summary.ok:
    st.error(
        f"{md_escape(source.label)} cannot be read, so its POS amounts are unknown: "
        + md_escape(summary.problems[0] if summary.problems else "no receipts.")
    )
    st.stop()
st.caption(md_escape(f"POS amounts found in: {source.label} ({', '.join(source.names)})."))
for line in summary.recognised:
    st.caption(md_escape(line))

if "mapping_draft" not in st.session_state:
    saved_first = services.saved_mapping(wb)
    st.session_state["mapping_draft"] = um.with_day_defaults(
        saved_first, settings, first=not saved_first.version
    )  # a new home: one receipt a day, as the POS's own integration sends
    st.session_state["mapping_gen"] = 0
elif settings is not None and not services.saved_mapping(wb).version:
    # settings refreshed after the first visit: fill the new home's day deposit account
    st.session_state["mapping_draft"] = um.with_day_defaults(
        st.session_state["mapping_draft"], settings, first=False
    )
draft = st.session_state["mapping_draft"]
gen = st.session_state["mapping_gen"]
keys = list(summary.keys)
unsaved_box = st.empty()  # filled below, once the grids' edits are in the working copy


def flagged(frame: pd.DataFrame, rows: pd.Series, columns: list[str]):
    """The table with ``columns`` of the ``rows`` that block sending shaded and bold."""
    marks = ["background-color: #fde2e1; font-weight: 600" if bad else "" for bad in rows]
    return frame.style.apply(lambda _column: marks, subset=columns)


def mapping_grid(data, key: str, fixed: list[str], choice: str, options: list[str],
                 suggested_help: str, width: int | str = "medium"):  # fmt: skip
    """One mapping table: the POS rows fixed, a QuickBooks choice per row, what posbooks
    suggests and the row's status (read in full)."""
    return st.data_editor(
        data,
        key=key,
        hide_index=True,
        height="content",
        num_rows="fixed",
        width="stretch",
        disabled=[*fixed, "Suggested", "Status"],
        column_config={
            choice: st.column_config.SelectboxColumn(options=options, required=True, width=width),
            "Suggested": st.column_config.TextColumn(help=suggested_help),
            "Status": st.column_config.TextColumn(width="large"),  # a problem read in full
        },
    )


def _replace_draft(mapping) -> None:
    st.session_state["mapping_draft"] = mapping
    st.session_state["mapping_gen"] += 1  # a fresh grid: old cell edits must not reapply


def _use_suggestions() -> None:
    try:
        suggested = services.suggested_mapping(wb, summary, st.session_state["mapping_draft"])
        _replace_draft(um.with_day_defaults(suggested, settings, first=False))
    except services.WorkbenchError as exc:
        st.session_state["mapping_error"] = str(exc)


def _set_one() -> None:
    label, account = st.session_state["one_row"], st.session_state["one_account"]
    is_deposit, method = um.method_for_deposit_label(keys, label)
    row = None if is_deposit else um.key_for_label(keys, label)
    draft = st.session_state["mapping_draft"]
    now = um.current_account_choice(draft, keys, label)
    confirmed = is_deposit or st.session_state.get("one_none_ok")  # deposit None: journal's
    if account == um.NONE and now != um.NONE and not confirmed:
        st.session_state["mapping_error"] = (
            f"{label} stays mapped to {now}: tick 'Yes, leave it unmapped' to set it to None."
        )
        return
    try:
        if is_deposit:
            _replace_draft(um.with_deposit(draft, settings, method, account))
        elif row is not None:
            _replace_draft(um.with_account(draft, settings, row, account))
    except ValueError as exc:  # a name QuickBooks no longer has (settings refreshed meanwhile)
        st.session_state["mapping_error"] = str(exc)


def _set_one_item() -> None:
    item_key = um.item_key_for_label(keys, st.session_state["one_item_row"])
    now = um.current_item_choice(st.session_state["mapping_draft"], keys,
                                 st.session_state["one_item_row"])  # fmt: skip
    if (
        st.session_state["one_item"] == um.NONE
        and now != um.NONE
        and not st.session_state.get("one_item_none_ok")
    ):
        st.session_state["item_error"] = (
            f"{st.session_state['one_item_row']} stays on the Item {now}: tick 'Yes, leave it "
            "unmapped' to set it to None."
        )
        return
    try:
        if item_key is not None:
            _replace_draft(
                um.with_item(
                    st.session_state["mapping_draft"], settings, item_key,
                    st.session_state["one_item"],
                )
            )  # fmt: skip
    except ValueError as exc:  # an Item QuickBooks no longer has (settings refreshed meanwhile)
        st.session_state["item_error"] = str(exc)


suggestion = None
if settings is not None:
    suggestion = services.suggested_mapping(wb, summary)
issues = services.mapping_issues(wb, draft, summary, "journal")
receipt_issues = services.mapping_issues(wb, draft, summary, "receipt")

st.subheader("Accounts")
st.button(
    "Use suggestions",
    on_click=_use_suggestions,
    disabled=settings is None,
    help="Fill every unmapped row with the suggested account, class, location and item.",
)
if err := st.session_state.pop("mapping_error", None):
    st.error(md_escape(err))

st.caption(
    "A SUGGESTED (not yet applied) or UNMAPPED row blocks sending until it has an account; "
    "its Status says which documents. Use suggestions applies every suggestion. "
    f"'{um.NOT_SENT}' leaves an account type out on purpose, as the POS's own integration "
    "does: a day with an amount of it balances through Over/short."
)
rows = um.account_rows(keys, draft, suggestion, issues)
frame = pd.DataFrame(rows)
styled = flagged(frame, frame["Status"].map(um.needs_attention), ["POS amount", "Status"])
edited = mapping_grid(
    styled, f"accounts_{gen}", ["Kind", "POS amount"], "QuickBooks account",
    um.account_choices(settings), "What posbooks suggests for this row", width=180,
)  # fmt: skip
new_draft = um.with_accounts_table(draft, settings, keys, edited.to_dict("records"))

st.subheader("Sales receipts")


def _set_grouping(widget: str, deposit: bool) -> None:
    draft = st.session_state["mapping_draft"]
    grouping = draft.receipt_grouping if deposit else st.session_state[widget]
    name = (
        st.session_state[widget]
        if deposit
        else (draft.day_deposit.name if draft.day_deposit else um.NONE)
    )
    try:
        st.session_state["mapping_draft"] = um.with_receipt_grouping(
            draft, settings, grouping, name
        )
    except ValueError as exc:  # an account QuickBooks no longer has (settings refreshed)
        st.session_state["mapping_error"] = str(exc)


g1, g2 = st.columns([3, 2], vertical_alignment="bottom")
grouping = draft.receipt_grouping
# keyed by the working copy's value: Use suggestions or another tab's change redraws them
grouping_key = f"grouping_{gen}_{grouping}"
g1.radio(
    "Send sales receipts as",
    list(um.GROUPINGS),
    index=list(um.GROUPINGS).index(grouping),
    format_func=um.GROUPINGS.get,
    key=grouping_key,
    on_change=_set_grouping,
    args=(grouping_key, False),
)
day_choices = um.day_deposit_choices(settings)
day_now = draft.day_deposit.name if draft.day_deposit else um.NONE
deposit_key = f"day_deposit_{gen}_{day_now}"
g2.selectbox(
    "Deposit the day's receipt to",
    day_choices,
    index=day_choices.index(day_now) if day_now in day_choices else 0,
    key=deposit_key,
    disabled=grouping != um.PER_DAY,
    on_change=_set_grouping,
    args=(deposit_key, True),
    help="Undeposited Funds or a clearing account: record the deposits per payment method "
    "from there in QuickBooks.",
)
st.caption(
    "One receipt a day is what the POS's own integration sends and is easiest to read; "
    "one per payment method shows each method's takings in QuickBooks, depositing each to "
    "its own account (the table below). A day already sent one way is not sent the other way."
)
if grouping == um.PER_DAY and day_now == um.NONE:
    st.warning(services.DAY_DEPOSIT_UNMAPPED)

st.subheader("Deposit accounts for sales receipts")
st.caption(
    "For one receipt per payment method. "
    "QuickBooks deposits a sales receipt only to a Bank or Other Current Asset account. "
    "A payment method whose journal account is a liability (vouchers, gift cards) needs "
    "its own deposit account here, e.g. a clearing account or Undeposited Funds. "
    f"'{um.SAME_AS_JOURNAL}' deposits to the account in the table above."
)
deposit_rows = um.deposit_rows(keys, draft, suggestion, receipt_issues)
deposits_frame = pd.DataFrame(deposit_rows)
bad_deposit = deposits_frame["Status"].map(um.needs_attention)
edited_deposits = mapping_grid(
    flagged(deposits_frame, bad_deposit, ["Payment method", "Status"]), f"deposits_{gen}",
    ["Payment method"], "Deposit account", um.deposit_choices(settings),
    "Its own deposit account when the journal account cannot take a receipt deposit, else "
    "the journal account suggested above", width=180,
)  # fmt: skip
new_draft = um.with_deposits_table(new_draft, settings, keys, edited_deposits.to_dict("records"))

with st.container(border=True):
    st.markdown("**Set one row** (keyboard- and screen-reader-friendly)")
    c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
    one_rows = [r["POS amount"] for r in rows]
    one_rows += [um.deposit_label(m) for m in um.payment_methods(keys)]
    one = c1.selectbox("POS amount or receipt deposit", one_rows, key="one_row")
    choices = um.account_choices(settings)
    now = um.current_account_choice(draft, keys, one)
    seen = st.session_state.get("_one_seen")  # (row, its account, what the box was set to)
    if seen is None or (
        seen[:2] != (one, now) and st.session_state.get("one_account") == seen[2]
    ):  # another row (or its account changed): start from its account, unless just picked
        st.session_state["one_account"] = now if now in choices else um.NONE
    st.session_state["_one_seen"] = (one, now, st.session_state["one_account"])
    c2.selectbox("QuickBooks account", choices, key="one_account")
    c3.button("Set", on_click=_set_one)
    if (
        st.session_state["one_account"] == um.NONE
        and now != um.NONE
        and not one.startswith(um.DEPOSIT_PREFIX)
    ):
        st.checkbox("Yes, leave it unmapped (None: not sent)", key="one_none_ok")
    st.caption(f"For a '{um.DEPOSIT_PREFIX}...' row, None means {um.SAME_AS_JOURNAL}.")

# --- classes, locations, items ------------------------------------------------------------


def _list_editor(names, chosen, what: str, pos_word: str, options, label=str) -> dict:
    """A two-column grid (POS name -> QuickBooks list object); returns the chosen refs."""
    edited = st.data_editor(
        pd.DataFrame(um.list_rows(names, chosen, what, pos_word, label)),
        key=f"{what}_{gen}",
        hide_index=True,
        height="content",
        num_rows="fixed",
        disabled=[pos_word],
        column_config={
            what: st.column_config.SelectboxColumn(
                options=[um.NONE, *sorted(o.name for o in options if o.active)], required=True
            )
        },
    )
    return um.refs_from_rows(edited.to_dict("records"), options, what, pos_word, names, label)


categories = sorted({k for s, k in keys if s == "sales" and k})
st.subheader("Classes (category -> Class)")
if settings is None:
    st.info("Refresh QuickBooks Online Settings to map categories to classes.")
elif settings.preferences.class_tracking:
    classes = _list_editor(categories, draft.classes, "Class", "Category", settings.classes)
    new_draft = replace(new_draft, classes=classes)
else:
    st.info(
        "Class tracking is off in QuickBooks, so classes are not sent. Classes mapped before "
        "are kept and sent again once it is on. " + md_escape(services.TRACK_CLASSES_STEPS)
    )

st.subheader("Locations (outlet -> Location)")
if settings is None:
    st.info("Refresh QuickBooks Online Settings to map outlets to locations.")
elif settings.preferences.location_tracking:
    locations = _list_editor(
        summary.outlets, draft.locations, "Location", "Outlet", settings.departments
    )
    new_draft = replace(new_draft, locations=locations)
else:
    st.info("Location tracking is off in QuickBooks. " + md_escape(services.TRACK_LOCATIONS_STEPS))

st.subheader("Items for sales receipts")
if settings is None:
    st.info("Refresh QuickBooks Online Settings to map sales-receipt lines to items.")
else:
    st.caption(
        "A sales receipt books each line to an Item; QuickBooks posts it to the Item's income "
        "account. Journal entries do not use Items. A SUGGESTED or UNMAPPED row blocks sales "
        "receipts until it has an Item: Use suggestions (above) applies every suggestion."
    )
    item_frame = pd.DataFrame(um.item_rows(keys, draft, suggestion, receipt_issues))
    bad_item = item_frame["Status"].map(um.needs_attention)
    edited_items = mapping_grid(
        flagged(item_frame, bad_item, ["POS amount", "Status"]), f"Item_{gen}", ["POS amount"],
        "Item", um.item_choices(settings), "The Item posbooks suggests by name",
    )  # fmt: skip
    items = um.refs_from_rows(
        edited_items.to_dict("records"), settings.items, "Item", "POS amount",
        um.item_keys(keys), um.item_label,
    )  # fmt: skip
    new_draft = replace(new_draft, items=items)
    with st.container(border=True):
        st.markdown("**Set one Item** (keyboard- and screen-reader-friendly)")
        i1, i2, i3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        line = i1.selectbox(
            "Sales-receipt line", list(item_frame["POS amount"]), key="one_item_row"
        )
        item_choices = um.item_choices(settings)
        now_item = um.current_item_choice(draft, keys, line)
        seen = st.session_state.get("_one_item_seen")
        if seen is None or (
            seen[:2] != (line, now_item) and st.session_state.get("one_item") == seen[2]
        ):
            st.session_state["one_item"] = now_item if now_item in item_choices else um.NONE
        st.session_state["_one_item_seen"] = (line, now_item, st.session_state["one_item"])
        i2.selectbox("QuickBooks Item", item_choices, key="one_item")
        i3.button("Set Item", on_click=_set_one_item, key="set_one_item")
        if st.session_state["one_item"] == um.NONE and now_item != um.NONE:
            st.checkbox("Yes, leave it unmapped (None: not sent)", key="one_item_none_ok")
        if err := st.session_state.pop("item_error", None):
            st.error(md_escape(err))

if new_draft != draft:
    st.session_state["mapping_draft"] = new_draft
    st.rerun()  # redraw statuses from the edited working copy

# --- tax codes (a company that taxes by tax code) -----------------------------------------


def _set_one_tax_code() -> None:
    pos_code = um.tax_code_for_label(keys, st.session_state["one_tax_row"])
    try:
        if pos_code is not None:
            _replace_draft(
                um.with_tax_code(
                    st.session_state["mapping_draft"], settings, pos_code,
                    st.session_state["one_tax_code"],
                )
            )  # fmt: skip
    except ValueError as exc:  # a code QuickBooks no longer has (settings refreshed meanwhile)
        st.session_state["tax_code_error"] = str(exc)


def _set_one_line_tax() -> None:
    try:
        _replace_draft(
            um.with_line_tax(
                st.session_state["mapping_draft"], keys, st.session_state["one_line_row"],
                st.session_state["one_line_tax"],
            )
        )  # fmt: skip
    except ValueError as exc:
        st.session_state["tax_code_error"] = str(exc)


if settings is not None and services.taxes_by_code(wb):
    st.subheader("Tax codes (POS tax code -> QuickBooks tax code)")
    st.caption(
        "This QuickBooks company taxes by tax code: QuickBooks books the tax from the tax "
        "code on each line, so POS tax goes to a tax code, not to an account or Item. "
        "Untaxed lines (tips, rounding, over/short) need a code too. A SUGGESTED or "
        "UNMAPPED row blocks sending: Use suggestions (above) applies every suggestion."
    )
    tax_frame = pd.DataFrame(um.tax_code_rows(keys, draft, suggestion, issues + receipt_issues))
    bad_tax = tax_frame["Status"].map(um.needs_attention)
    edited_tax = mapping_grid(
        flagged(tax_frame, bad_tax, ["POS tax code", "Status"]), f"tax_codes_{gen}",
        ["POS tax code"], "QuickBooks tax code", um.tax_code_choices(settings),
        "The tax code of the same name",
    )  # fmt: skip
    tax_draft = um.with_tax_codes_table(draft, settings, keys, edited_tax.to_dict("records"))
    with st.container(border=True):
        st.markdown("**Set one tax code** (keyboard- and screen-reader-friendly)")
        t1, t2, t3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        t1.selectbox("POS tax code", list(tax_frame["POS tax code"]), key="one_tax_row")
        t2.selectbox("QuickBooks tax code", um.tax_code_choices(settings), key="one_tax_code")
        t3.button("Set tax code", on_click=_set_one_tax_code, key="set_one_tax_code")
        if err := st.session_state.pop("tax_code_error", None):
            st.error(md_escape(err))
    st.markdown("**Which POS tax code taxes each line**")
    st.caption(
        "QuickBooks puts the tax on the lines its code taxes: a category's sales and its "
        "discounts, the receipt-level discount, the service charge. A POS tax code that "
        "taxes no line blocks sending (its Status above says so)."
    )
    edited_lines = st.data_editor(
        pd.DataFrame(um.line_tax_rows(keys, draft, suggestion)),
        key=f"line_taxes_{gen}",
        hide_index=True,
        height="content",
        num_rows="fixed",
        disabled=["Line", "Suggested"],
        column_config={
            "POS tax code": st.column_config.SelectboxColumn(
                options=um.line_tax_choices(keys), required=True
            )
        },
    )
    tax_draft = um.with_line_taxes_table(tax_draft, keys, edited_lines.to_dict("records"))
    with st.container(border=True):
        st.markdown("**Set one line's tax** (keyboard- and screen-reader-friendly)")
        l1, l2, l3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        l1.selectbox("Line", [um.line_tax_label(k) for k in um.line_tax_keys(keys)],
                     key="one_line_row")  # fmt: skip
        l2.selectbox("Taxed by", um.line_tax_choices(keys), key="one_line_tax")
        l3.button("Set line tax", on_click=_set_one_line_tax, key="set_one_line_tax")
    if tax_draft != draft:
        st.session_state["mapping_draft"] = tax_draft
        st.rerun()  # redraw statuses from the edited working copy

# --- DocNumber codes -----------------------------------------------------------------------
with st.expander("Outlet codes in DocNumbers"):
    st.caption(
        "Each outlet has a short code of its own in the DocNumbers posbooks sends "
        "(PB261120-CODE-J), so two outlets never share a document. Choose another code "
        "before an outlet's first send; after it the code stays, as QuickBooks holds those numbers."
    )
    codes = services.outlet_codes(wb, summary if summary.ok else None)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Outlet": c.outlet,
                    "Code": c.code,
                    "Changeable": "no: sent under it" if c.locked else "yes",
                }
                for c in codes
            ]  # fmt: skip
        ),
        hide_index=True,
        width="stretch",
    )
    open_codes = [c.outlet for c in codes if not c.locked]
    if open_codes:
        o1, o2, o3 = st.columns([3, 1, 1], vertical_alignment="bottom")
        o1.selectbox("Outlet", open_codes, key="code_outlet")
        o2.text_input("New code", max_chars=5, key="code_value")
        if o3.button("Set code", key="set_code"):
            try:
                code = services.set_outlet_code(
                    wb, st.session_state["code_outlet"], st.session_state["code_value"]
                )
                outlet = st.session_state["code_outlet"]
                st.session_state["code_done"] = f"{md_escape(outlet)} now has code {code}."
                st.rerun()  # the table above shows the new code
            except services.WorkbenchError as exc:
                st.error(md_escape(str(exc)))
    if done := st.session_state.pop("code_done", None):
        st.success(done)

# --- save ---------------------------------------------------------------------------------


def _save() -> None:
    saved = services.save_mapping(wb, st.session_state["mapping_draft"])
    st.session_state["mapping_draft"] = saved
    st.session_state["mapping_saved"] = saved.version


st.divider()
saved_now = services.saved_mapping(wb)
unsaved = um.unsaved_changes(draft, saved_now, settings)
if unsaved:
    unsaved_box.warning(
        "**Unsaved changes.** Preview & Send uses the saved mapping "
        f"(version {saved_now.version}) until you press Save Settings."
    )
st.button("Save Settings", type="primary", on_click=_save)
if unsaved:
    st.caption("Changes not saved yet.")
if (version := st.session_state.pop("mapping_saved", None)) is not None:
    st.success(f"Mapping saved (version {version}).")
    for doc_type in ("journal", "receipt"):
        blocking = [i for i in services.mapping_issues(wb, draft, summary, doc_type) if i.blocking]
        label = {"journal": "journal entries", "receipt": "sales receipts"}[doc_type]
        if blocking:
            st.warning(
                f"**{um.count_problems(len(blocking))} {'blocks' if len(blocking) == 1 else 'block'} sending {label}:**\n\n"
                + "\n".join(f"- {md_escape(i.message)}" for i in blocking)
            )
        else:
            st.success(f"Nothing blocks sending {label}.")
