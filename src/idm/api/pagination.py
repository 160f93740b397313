"""Pages of a list: `?page=` and a bounded `?page_size=`. A module of its own: REST framework
reads it from the settings while it loads its views."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=` (from 1; beyond the last, 404) and `?page_size=` (1 to IDM_API_MAX_PAGE_SIZE);
    a value out of bounds is a 400 rather than a silent change, so a client learns the limit."""

    page_size_query_param = "page_size"
    # A page is a number: no "last" (the count gives the last page's number).
    last_page_strings = ()

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is None:
            return 1
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise exceptions.ValidationError({self.page_query_param: [_(
                "A page is a whole number from 1.")]})
        # One beyond the last is a 404, as REST framework answers it.
        return int(value)

    def get_page_size(self, request):
        default = settings.IDM_API_PAGE_SIZE
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return default
        try:
            size = int(value)
        except ValueError:
            size = 0
        if not 1 <= size <= settings.IDM_API_MAX_PAGE_SIZE:
            raise exceptions.ValidationError({self.page_size_query_param: [_(
                "A page holds 1 to %(max)s items.") % {"max": settings.IDM_API_MAX_PAGE_SIZE}]})
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=settings.IDM_API_MAX_PAGE_SIZE)
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters
