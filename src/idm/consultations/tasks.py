"""The consultations' background work for a worker (`idm worker`): analysing a consultation's votes
as they arrive (services.py run_analysis)."""

from idm.consultations import services
from idm.consultations.models import ConsultationAnalysis
from idm.core import jobs
from idm.core.tasks import task


@task(queue_name="consultations")
def analyze_consultation(analysis_id: int, attempt: int) -> str:
    return jobs.run(ConsultationAnalysis, analysis_id, attempt, services.run_analysis)
