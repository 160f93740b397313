"""The synthesis workbench: runs as tasks, themes turned into key messages, merges and splits as
new runs, who may do it, and `idm synthesize` on the database and on a file."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from idm.core import roles
from idm.core import services as core_services
from idm.core.models import AuditEntry, StakeholderCategory
from idm.deliberation import services
from idm.deliberation.models import KeyMessage, Statement, SynthesisRun
from idm.dialogues.models import Session
from tests.deliberation.conftest import say
from tests.dialogues import factories

# What a page queues runs as its request ends (tests/conftest.py).
pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("pages_queue_on_commit")]

# Three things said again and again, in different words, by different stakeholders.
TOPICS = {
    "remittances": [
        "Remittances sent home by migrants cost too much: transfer fees must fall below three "
        "percent.",
        "The cost of sending remittances is still far too high for migrant workers and their "
        "families.",
        "Cheaper remittance transfers through mobile money would help families who receive them.",
        "Banks should lower remittance fees so that migrants keep more of what they send home.",
        "Remittances are a lifeline for families; their transfer costs remain a barrier.",
        "Digital remittance services can reduce fees for migrant workers sending money home.",
    ],
    "climate": [
        "Climate change and disasters are displacing people from coastal and drought areas.",
        "Displacement caused by sea level rise and drought needs planned relocation with "
        "communities.",
        "People displaced by disasters and climate change need protection and durable solutions.",
        "Drought and floods force farmers to move; climate displacement must be in adaptation "
        "plans.",
        "Disaster displacement and climate change adaptation must be planned together.",
        "Sea level rise will displace island communities; relocation must respect their rights.",
    ],
    "recruitment": [
        "Fair recruitment means no recruitment fees charged to migrant workers.",
        "Recruitment agencies that charge workers fees and keep their passports must be "
        "sanctioned.",
        "Ethical recruitment of migrant workers needs licensed recruiters and no fees.",
        "Workers recruited abroad are trapped in debt by recruitment fees and false contracts.",
        "Governments should regulate recruitment agencies and ban fees charged to workers.",
        "Employers must check that their recruiters charge migrant workers no fees.",
    ],
}
CATEGORIES = ["member_state", "civil_society", "private_sector"]


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Starts a run by the service; the immediate backend runs it as it commits."""

    def start(dialogue, **values) -> SynthesisRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.start_synthesis(dialogue, None, **values)
        run.refresh_from_db()
        return run

    return start


@pytest.fixture
def statements(panel):
    """Eighteen statements on three topics, from three stakeholder categories."""
    categories = [StakeholderCategory.objects.get(code=code) for code in CATEGORIES]
    made = {}
    for topic, texts in TOPICS.items():
        made[topic] = [say(panel, None, text, speaker_name=f"Delegate {i}",
                           speaker_category=categories[i % 3])
                       for i, text in enumerate(texts)]
    return made


@pytest.fixture
def rapporteur_client(client, reference):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="rap", password="pw-rap")
    user.groups.add(Group.objects.get(name=roles.RAPPORTEUR))
    client.force_login(user)
    return client


def _topic_of(run: SynthesisRun, statements: dict) -> dict[int, set[str]]:
    topic = {str(s.pk): name for name, said in statements.items() for s in said}
    return {t["number"]: {topic[m["id"]] for m in t["members"]} for t in run.themes}


def test_a_run_finds_the_three_topics_and_a_theme_becomes_a_key_message(
        rapporteur_client, statements, panel):
    dialogue = panel.workshop.dialogue
    response = rapporteur_client.post(reverse("deliberation:synthesis", args=[dialogue.number]),
                                      {"scope": "", "themes": "3", "engine": "tfidf"})
    run = SynthesisRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    assert run.status == "done", run.message
    assert run.report["statements"] == 18
    # Each theme holds one topic only, and every topic is a theme.
    topics = _topic_of(run, statements)
    assert sorted(len(found) for found in topics.values()) == [1, 1, 1]
    assert {next(iter(found)) for found in topics.values()} == set(TOPICS)

    remittances = next(n for n, found in topics.items() if found == {"remittances"})
    theme = run.theme(remittances)
    assert "remittance" in theme["label"].lower()
    assert {"Member State", "Civil society", "Private sector"} <= set(theme["categories"])
    page = rapporteur_client.get(run.get_absolute_url()).content.decode()
    assert theme["label"] in page and "Representative statements" in page

    response = rapporteur_client.post(
        reverse("deliberation:synthesis-key-message", args=[run.pk]),
        {"theme": remittances, "title": "Remittances must cost less", "body": ""})
    key_message = KeyMessage.objects.get(dialogue=dialogue)
    assert response["Location"] == key_message.get_absolute_url()
    assert (key_message.status, key_message.title, key_message.number) == (
        "draft", "Remittances must cost less", 1)
    evidence = list(key_message.evidence.order_by("order"))
    assert [str(e.statement_id) for e in evidence] == [m["id"] for m in theme["members"]]
    assert {e.statement for e in evidence} == set(statements["remittances"])

    run.refresh_from_db()
    assert run.theme(remittances)["key_message"] == key_message.pk
    page = rapporteur_client.get(run.get_absolute_url()).content.decode()
    assert page.count("Evidence for key message 1") >= len(statements["remittances"])
    assert "key message 1: Remittances must cost less" in page
    # Once is enough.
    again = rapporteur_client.post(reverse("deliberation:synthesis-key-message", args=[run.pk]),
                                   {"theme": remittances, "title": "Twice"}, follow=True)
    assert "already a key message" in again.content.decode()
    assert KeyMessage.objects.count() == 1
    # Once its key message is deleted, the theme may become one again.
    core_services.delete(key_message, None)
    rapporteur_client.post(reverse("deliberation:synthesis-key-message", args=[run.pk]),
                           {"theme": remittances, "title": "Remittances, again"})
    assert KeyMessage.objects.get(dialogue=dialogue).title == "Remittances, again"


def test_merge_and_split_make_new_runs_and_keep_the_parent(start, rapporteur_client, statements,
                                                           panel):
    run = start(panel.workshop.dialogue, themes=3)
    run.refresh_from_db()
    numbers = [t["number"] for t in run.themes]
    response = rapporteur_client.post(reverse("deliberation:synthesis-merge", args=[run.pk]),
                                      {"themes": numbers[:2]})
    merged = SynthesisRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == merged.get_absolute_url()
    assert (merged.parent, merged.operation, merged.status) == (run, {"merge": numbers[:2]},
                                                               "done")
    assert len(merged.themes) == 2
    sizes = sorted(len(t["members"]) for t in merged.themes)
    assert sizes == [6, 12]
    assert len(run.themes) == 3  # the parent is as it was

    big = next(t for t in merged.themes if len(t["members"]) == 12)
    rapporteur_client.post(reverse("deliberation:synthesis-split", args=[merged.pk]),
                           {"theme": big["number"], "parts": "2"})
    split = SynthesisRun.objects.get(parent=merged)
    assert split.status == "done", split.message
    assert sorted(len(found) for found in _topic_of(split, statements).values()) == [1, 1, 1]
    assert all(t["number"] > big["number"] for t in split.themes
               if t["number"] not in [u["number"] for u in merged.themes])


def test_bad_changes_are_refused_with_a_message(start, rapporteur_client, statements, panel):
    run = start(panel.workshop.dialogue, themes=3)
    merge = reverse("deliberation:synthesis-merge", args=[run.pk])
    split = reverse("deliberation:synthesis-split", args=[run.pk])
    for url, data, message in [
            (merge, {"themes": ["1"]}, "Choose two or more themes"),
            (merge, {"themes": ["1", "x"]}, "Choose two or more themes"),
            (merge, {"themes": ["1", "99"]}, "Choose two or more themes"),
            (split, {"theme": "99"}, "no such theme"),
            (split, {"theme": "1", "parts": "1"}, "number of parts from 2"),
            (split, {"theme": "abc"}, "Choose a theme")]:
        response = rapporteur_client.post(url, data, follow=True)
        assert response.status_code == 200 and message in response.content.decode(), data
    key_message = reverse("deliberation:synthesis-key-message", args=[run.pk])
    assert "Give the key message a title" in rapporteur_client.post(
        key_message, {"theme": "1", "title": ""}, follow=True).content.decode()
    assert SynthesisRun.objects.count() == 1 and not KeyMessage.objects.exists()
    assert rapporteur_client.get(reverse("deliberation:synthesis-run", args=[9999])
                                 ).status_code == 404
    assert rapporteur_client.post(reverse("deliberation:synthesis", args=[9999]),
                                  {}).status_code == 404
    bad = rapporteur_client.post(reverse("deliberation:synthesis",
                                         args=[panel.workshop.dialogue.number]),
                                 {"scope": "session:abc", "themes": "0", "engine": "gpt"})
    assert bad.status_code == 400 and SynthesisRun.objects.count() == 1


def test_only_staff_may_use_the_workbench(start, client, participant, statements, panel):
    run = start(panel.workshop.dialogue, themes=3)
    urls = [reverse("deliberation:synthesis", args=[panel.workshop.dialogue.number]),
            run.get_absolute_url(), reverse("deliberation:synthesis-status", args=[run.pk])]
    posts = [reverse(f"deliberation:synthesis-{change}", args=[run.pk])
             for change in ("merge", "split", "retry", "key-message")]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    for url in posts:
        assert client.post(url, {"theme": "1", "title": "x"}).status_code == 302
    client.force_login(participant)
    for url in urls:
        assert client.get(url).status_code == 403
    for url in posts:
        assert client.post(url, {"theme": "1", "title": "x", "themes": ["1", "2"]}
                           ).status_code == 403
    assert SynthesisRun.objects.count() == 1 and not KeyMessage.objects.exists()


def test_a_run_over_a_workshop_or_a_session_reads_only_it(start, statements, panel):
    other = factories.session(panel.workshop, panel.workshop.first_day, *factories.times(14, 15),
                              title_en="Side event")
    other.save()
    say(other, None, "A side event on statistics.", speaker_name="Someone")
    dialogue = panel.workshop.dialogue
    assert start(dialogue, session=panel).report["statements"] == 18
    by_workshop = start(dialogue, workshop=panel.workshop)
    assert by_workshop.report["statements"] == 19
    elsewhere = factories.workshop(factories.dialogue(number=88), slug="elsewhere")
    with pytest.raises(services.DeliberationError, match="another dialogue"):
        services.start_synthesis(dialogue, None, workshop=elsewhere)
    session = Session.objects.get(pk=other.pk)
    session.workshop = elsewhere
    with pytest.raises(services.DeliberationError, match="another dialogue"):
        services.start_synthesis(dialogue, None, session=session)


def test_a_failed_run_says_why_and_runs_again(start, rapporteur_client, statements, panel,
                                              monkeypatch):
    from idm.synthesis import themes

    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    with monkeypatch.context() as patched:
        patched.setattr(themes, "find_themes", broken)
        run = start(panel.workshop.dialogue, themes=3)
    assert (run.status, run.message) == ("failed", "out of memory")
    page = rapporteur_client.get(run.get_absolute_url()).content.decode()
    assert "out of memory" in page and "Run it again" in page
    rapporteur_client.post(reverse("deliberation:synthesis-retry", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.attempt, len(run.themes)) == ("done", 2, 3)


def test_synthesize_prints_the_themes_of_a_dialogue_and_writes_nothing(statements, panel,
                                                                         capsys):
    audit = AuditEntry.objects.count()
    call_command("synthesize", "--dialogue", str(panel.workshop.dialogue.number),
                 "--themes", "3", "--format", "json")
    result = json.loads(capsys.readouterr().out)
    assert result["statements"] == 18 and len(result["themes"]) == 3
    ids = sorted(m["id"] for t in result["themes"] for m in t["members"])
    assert ids == sorted(str(s.pk) for said in statements.values() for s in said)
    call_command("synthesize", "--dialogue", str(panel.workshop.dialogue.number),
                 "--workshop", panel.workshop.slug, "--themes", "3")
    out = capsys.readouterr().out
    assert out.startswith("18 statements, 3 themes") and "Theme 3:" in out
    assert "Member State" in out and "Geneva" in out
    assert SynthesisRun.objects.count() == 0 and AuditEntry.objects.count() == audit
    with pytest.raises(CommandError, match="no workshop 'nowhere'"):
        call_command("synthesize", "--dialogue", str(panel.workshop.dialogue.number),
                     "--workshop", "nowhere")
    with pytest.raises(CommandError, match="no dialogue 404"):
        call_command("synthesize", "--dialogue", "404")


def test_synthesize_reads_a_file_and_names_its_bad_rows(tmp_path, capsys, db):
    rows = ["id,text,category,workshop"] + [
        f'{topic}-{i},"{text}",{CATEGORIES[i % 3]},Geneva'
        for topic, texts in TOPICS.items() for i, text in enumerate(texts)]
    good = tmp_path / "statements.csv"
    good.write_text("\n".join(rows), encoding="utf-8")
    call_command("synthesize", "--file", str(good), "--themes", "3", "--format", "json")
    result = json.loads(capsys.readouterr().out)
    groups = sorted(sorted({m["id"].split("-")[0] for m in t["members"]})
                    for t in result["themes"])
    assert groups == [["climate"], ["recruitment"], ["remittances"]]
    assert all(t["workshops"] == {"Geneva": 6} for t in result["themes"])

    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,Remittances\n,No id\n1,Again\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("synthesize", "--file", str(bad))
    err = capsys.readouterr().err
    assert "row 3, field 'id': The id is empty." in err
    assert "row 4, field 'id': The id '1' is already on row 2." in err
    missing = tmp_path / "missing.csv"
    missing.write_text("number,words\n1,Remittances\n", encoding="utf-8")
    with pytest.raises(CommandError, match="problem"):
        call_command("synthesize", "--file", str(missing))
    assert "field 'text': The column is missing." in capsys.readouterr().err
    assert Statement.objects.count() == 0


def test_a_run_tells_its_steps_in_the_page_language(statements, panel, settings):
    from django.utils import translation

    from idm.deliberation import workbench

    run = SynthesisRun.objects.create(dialogue=panel.workshop.dialogue, seed=0)
    said = []
    workbench.result(run, lambda fraction, message: said.append(message))
    merged = SynthesisRun.objects.create(dialogue=run.dialogue, parent=run, seed=0,
                                         operation={"merge": [1, 2]})
    run.report = workbench.result(run, lambda fraction, message: None)
    run.save()
    workbench.result(merged, lambda fraction, message: said.append(message))
    assert said[0] == "Reading the statements" and "Ordering the themes" in said
    for language in ("fr", "es"):
        with translation.override(language):
            untranslated = [m for m in said if translation.gettext(m) == m]
        assert not untranslated, (language, untranslated)
