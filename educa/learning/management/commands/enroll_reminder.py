"""`python -m django enroll_reminder --days N [--dry-run]` (seed 004)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from educa.learning.reminders import send_enrollment_reminders


class Command(BaseCommand):
    help = (
        "E-mail everyone who registered at least N days ago and is enrolled in "
        "no course. Each person is reminded once: a second run sends nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ENROLL_REMINDER_DAYS,
            help="Days since registration (default: ENROLL_REMINDER_DAYS, "
            "%(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be reminded; send and record nothing.",
        )

    def handle(self, *args, days: int, dry_run: bool, **options) -> None:
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        people = send_enrollment_reminders(days=days, dry_run=dry_run)
        for person in people:
            self.stdout.write(f"  {person.username} <{person.email}>")
        verb = "Would remind" if dry_run else "Reminded"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(people)} {'person' if len(people) == 1 else 'people'}."
            )
        )
