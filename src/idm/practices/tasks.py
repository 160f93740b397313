"""The registry's background work for a worker (`idm worker`): practices' tag suggestions."""

from idm.core.tasks import task
from idm.practices import services


@task(queue_name="tags")
def suggest_tags(practice_ids: list[int]) -> int:
    return services.suggest_tags(practice_ids)
