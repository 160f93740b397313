"""`idm reference load`: (re)loads the reference data files into the database."""

import json

from django.core.management.base import BaseCommand

from idm.core.reference import load_reference_data


class Command(BaseCommand):
    help = "Reference data: GCM objectives, guiding principles, SDG targets, categories, countries."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="create or update every reference row")
        load.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, action, format, **options):
        counts = load_reference_data()
        if format == "json":
            self.stdout.write(json.dumps(counts))
        else:
            for name, count in counts.items():
                self.stdout.write(f"{name}: {count}")
