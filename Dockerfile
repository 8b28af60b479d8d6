FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY engine engine
COPY designer designer
COPY connectors connectors
COPY bpmn bpmn
# Editable: the engine reads bpmn/ (lint config, schema) beside the packages.
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["charkh", "web", "--host", "0.0.0.0", "--port", "8000"]
