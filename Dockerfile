# Airflow 3.3.2 with bantin's locked dependencies; the project itself runs from /opt/bantin (PYTHONPATH), as
# in a checkout, because the crawl runs `scrapy crawl` from the directory holding scrapy.cfg and migrations
# read sql/ next to the code.
FROM apache/airflow:3.3.2

WORKDIR /opt/bantin
COPY --chown=airflow:root pyproject.toml uv.lock ./
# Export the lock (runtime group only) and install exactly those versions; apache-airflow stays at 3.3.2.
RUN pip install --no-cache-dir 'uv>=0.8' \
 && uv export --frozen --no-dev --no-emit-project --no-hashes -o /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY --chown=airflow:root scrapy.cfg ./
COPY --chown=airflow:root bantin ./bantin
COPY --chown=airflow:root sources ./sources
COPY --chown=airflow:root warehouse ./warehouse
COPY --chown=airflow:root crawlers ./crawlers
COPY --chown=airflow:root transforms ./transforms
COPY --chown=airflow:root sql ./sql
COPY --chown=airflow:root dags ./dags
COPY --chown=airflow:root docs ./docs

ENV PYTHONPATH=/opt/bantin \
    BANTIN_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/bantin/dags
