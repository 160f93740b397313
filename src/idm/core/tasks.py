"""The task framework that idm's background work goes through: `django.tasks` from Django 6, its
backport django-tasks on 5.2; the backend comes from settings.TASKS (IDM_TASKS_BACKEND)."""

try:
    from django.tasks import default_task_backend, task, task_backends
except ImportError:  # Django 5.2
    from django_tasks import default_task_backend, task, task_backends

__all__ = ["can_wait", "default_task_backend", "task", "task_backends"]


def can_wait() -> bool:
    """Whether the backend can hold a task until a later time (a retry in an hour); the
    immediate backend runs each task as it comes and cannot."""
    return default_task_backend.supports_defer
