"""The API checks answers against the program's declared form and publishes that form."""

from __future__ import annotations


def test_program_form_is_published_with_its_answer_schema(client, world):
    form = client.get("/api/v1/programs/kembangku/form")
    assert form.status_code == 200, form.data
    assert form.json["amount_field"] == "requested_amount"
    field = form.json["steps"][0]["fields"][0]
    assert field["key"] == "requested_amount" and field["label"]["en"] == "Loan requested (Rp)"
    schema = form.json["answers_schema"]
    assert schema["properties"]["requested_amount"]["type"] == ["integer", "null"]
    assert schema["additionalProperties"] is False
    assert client.get("/api/v1/programs/tidak_ada/form").status_code == 404
    assert "/programs/{program_key}/form" in client.get("/api/v1/openapi.json").json["paths"]


def test_answers_are_checked_against_the_declared_form(client, world):
    headers = world.headers("applicant")
    created = client.post("/api/v1/applications", headers=headers, json={
        "program_key": "sanitren", "organization_id": world.organization.id,
        "answers": {"similar_aid_this_year": False}})
    assert created.status_code == 201, created.data
    url = f"/api/v1/applications/{created.json['id']}/answers"
    refused = client.patch(url, headers=headers, json={"answers": {
        "toilet_count": 9000, "sanitation_adequate": "maybe", "status": "approved"}})
    assert refused.status_code == 422, refused.data
    assert {e["field"] for e in refused.json["errors"]} == {
        "body.answers.toilet_count", "body.answers.sanitation_adequate", "body.answers.status"}
    saved = client.patch(url, headers=headers, json={"answers": {"toilet_count": "12",
                                                                 "sanitation_adequate": True}})
    assert saved.status_code == 200, saved.data
    answers = saved.json["answers"]
    assert answers["toilet_count"] == 12 and answers["sanitation_adequate"] is True
    assert answers["similar_aid_this_year"] is False
