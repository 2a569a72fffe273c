"""The baseline for bench/http_api.py: a bare FastAPI app doing one psycopg INSERT or SELECT.

    BARE_CONNINFO='host=… dbname=… options=-csearch_path=s' uvicorn bench.bare_app:app
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

pool = ConnectionPool(os.environ["BARE_CONNINFO"], min_size=4, max_size=16, open=True)
with pool.connection() as conn:
    conn.execute("CREATE TABLE IF NOT EXISTS bare_injections"
                 " (id BIGSERIAL PRIMARY KEY, course_id TEXT NOT NULL, body JSONB NOT NULL)")

app = FastAPI()


@app.post("/courses/{course_id}/injections", status_code=201)
def insert(course_id: str, body: dict) -> dict:
    with pool.connection() as conn:
        row = conn.execute("INSERT INTO bare_injections (course_id, body) VALUES (%s, %s)"
                           " RETURNING id", (course_id, Jsonb(body))).fetchone()
    return {"id": row[0]}


@app.get("/courses/{course_id}/injections")
def select(course_id: str) -> list[dict]:
    with pool.connection() as conn:
        rows = conn.execute("SELECT id, body FROM bare_injections WHERE course_id = %s"
                            " ORDER BY id DESC LIMIT 1", (course_id,)).fetchall()
    return [{"id": row[0], "body": row[1]} for row in rows]
