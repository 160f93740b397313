"""Who may call an operation: reading is open unless the view names a read scope; writing needs
the view's write scope, granted by the token and allowed by the user's role."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from idm.api.scopes import has_scope


class ScopedPermission(BasePermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            scope = getattr(view, "read_scope", None)
        else:
            scope = getattr(view, "write_scope", None)
            if scope is None:  # a view that writes nothing
                return False
        if scope is None:
            return True
        # False for a visitor makes REST framework answer 401 with the Bearer challenge.
        return request.user.is_authenticated and has_scope(request, scope)
