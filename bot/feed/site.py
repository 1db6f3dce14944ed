"""The watcher's reads through the one FluentBooking client."""

from __future__ import annotations

from bot.fluentbooking import FluentBookingClient
from bot.fluentbooking.errors import NotFoundError
from bot.fluentbooking.models import Activity, Booking, ScheduleList


class ClientSiteReader:
    """`SiteReader` over `FluentBookingClient` (retries, errors and HTML pages handled
    there: a site in trouble raises `FluentBookingError`, which the watcher backs off on)."""

    def __init__(self, client: FluentBookingClient) -> None:
        self.client = client

    async def latest_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        return await self.client.list_latest_bookings(page=page, per_page=per_page)

    async def activities(self) -> list[Activity]:
        return await self.client.list_activities()

    async def booking(self, booking_id: int) -> Booking | None:
        try:
            return await self.client.get_schedule(booking_id)
        except NotFoundError:
            return None

    async def upcoming_bookings(self, *, page: int, per_page: int) -> ScheduleList:
        return await self.client.list_schedules(page=page, per_page=per_page)
