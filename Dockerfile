# One image for the Rasa server and the action server (docker-compose.yml picks the command).
# The spaCy pipeline and the model are built into the image, so containers start offline.
FROM python:3.10-slim
ENV RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 PYTHONPATH=/app PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install -r requirements.txt -c constraints.txt
COPY . .
RUN python -m headease_nlu.build_spacy_model --out build/spacy_en_headease \
 && python scripts/train_if_stale.py \
 && python scripts/check_model.py models/headease.tar.gz
RUN useradd --system --home /app headease && chown -R headease /app
USER headease
EXPOSE 5005 5055
