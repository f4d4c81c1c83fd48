import os

import asyncpg
from fastapi import FastAPI

app = FastAPI(title="Acme API")

DATABASE_URL = os.environ["DATABASE_URL"]


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/items")
async def items() -> list[dict]:
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        rows = await conn.fetch("SELECT id, name FROM items ORDER BY id")
        return [dict(r) for r in rows]
    finally:
        await conn.close()
