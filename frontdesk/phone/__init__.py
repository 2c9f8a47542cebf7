"""Hearing the phone: what the office's phone system says about calls, and missed calls.

The service is `desk.phone` (frontdesk/phone/service.py, class PhoneCalls); records are in
frontdesk/phone/models.py (no I/O: widgets may import them); SQL in frontdesk/store_phone.py.
The formats phone systems speak are read in frontdesk/phone/formats.py, the HTTP listener
(`frontdesk listen`, aiohttp) is frontdesk/phone/server.py, `frontdesk ring` is
frontdesk/cli_phone.py.

API (every method acts on the desk's store with the desk's clock; call from a worker):

    desk.phone.event(PhoneEvent(kind, call_id, source, number, name, line, direction, by,
                                cause, at)) -> EventResult
        Apply one event: kind 'ring' | 'answer' | 'hangup' | 'missed'; source 'cti' |
        'phone' | 'cli' (call ids are unique per source); direction 'in' | 'out'; `number`
        the other party's number in any form. Returns EventResult(record: PhoneCall, effect:
        'new' | 'answered' | 'ended' | 'missed' | 'updated' | 'unchanged', callback: the
        missed-call promise opened or counted, closed: missed-call promises kept). Committed
        when it returns; DeskError (nothing stored) for an event that is not one.
    desk.phone.ringing(limit=20) -> list[RingingCall]
        Inbound calls ringing now, oldest first: number in national format, customer id,
        name and company (None when unknown), the name the phone sent, open promises, last
        topic, line, when it rang. `RingingCall.caller` is the strip's words.
    desk.phone.missed(limit=50) -> list[MissedCall]
        The missed-calls list, latest first: time, caller (or number), attempts ("called 3
        times"), seen, and the promise (Callback) when one was opened.
    desk.phone.recent(limit=50) -> list[PhoneCall]   every phone call, newest first
    desk.phone.unseen_missed_count() -> int          missed calls nobody marked seen
    desk.phone.mark_all_seen() -> int                marks them seen; how many were not
    desk.phone.phone_call(id) -> PhoneCall           one record (DeskError when gone)
    desk.phone.sweep(now=None) -> list[EventResult]  the lost hang-up rule, run by hand
    desk.log_call(NewCall(..., phone_call_id=ID))    logs the call linked to the phone
        call (its rang/answered/ended times go to the export); DeskError when that phone
        call is already logged as another call.

Rules kept:

- Events are idempotent and order-tolerant. The same event twice changes nothing. An answer
  or hang-up naming only the call id finds its call; one heard first starts the record. An
  event for an ended call never reopens or overwrites it (it may fill in a number, a name or
  a line that no event said before). A call left ringing for 10 minutes (LOST_AFTER) with no
  further event is closed as missed, by `sweep` and before every event, with the injected
  clock. Ringing calls past that age are never listed as ringing.
- Numbers in every form a phone system writes them are understood with the desk's region
  (numbers.py); a withheld number ('anonymous', 'unknown', empty) is a valid caller.
- A missed inbound call from a real number is logged as a call (outcome 'no_answer', topic
  'missed call', taken by the desk) and opens a callback promise due by the desk's default
  promise, assigned to the desk (its name); a caller with an open missed-call promise gets
  no second one: the promise counts the try ('rang again', "called 3 times"). The setting
  `missed_call_promises` turns this off (the missed call is still listed). The promise is
  kept (on time or late) by a later answered call with that number: an inbound `answer`
  event, an outbound call reported answered, or an outbound call logged that reached them.
"""
