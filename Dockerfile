FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY engine engine
COPY designer designer
COPY connectors connectors
COPY bpmn bpmn
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["charkh", "web", "--host", "0.0.0.0", "--port", "8000"]
