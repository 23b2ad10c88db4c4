"""Questions: /ask and /chat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter

from assistant.api.bodies import AskRequest, ChatAnswer, ChatRequest
from assistant.models import Answer

if TYPE_CHECKING:
    from assistant.api.shared import Api
    from assistant.service import Assistant


def router(assistant: Assistant, api: Api) -> APIRouter:
    router = APIRouter()

    @router.post("/ask", response_model=Answer, summary="Hỏi một câu, nhận câu trả lời có trích dẫn")
    def ask(body: AskRequest) -> Answer:
        return assistant.ask(body.question, body.filters)

    @router.post("/chat", response_model=ChatAnswer, summary="Trò chuyện: câu hỏi tiếp nối được hiểu theo lượt trước")
    def chat(body: ChatRequest) -> ChatAnswer:
        message = assistant.check_question(body.message, "message")
        filters = assistant.check_filters(body.filters)
        reply = api.conversations.send(message, body.session_id, filters)
        return ChatAnswer(**reply.answer.model_dump(), resolved_question=reply.resolved_question,
                          follow_up=reply.follow_up)

    return router
