"""Scrapy settings. Every value can be overridden with ``-s NAME=VALUE``.

Project-specific settings:

- ``EXTRACT_TEXT`` (False): put the article's main text in each record.
- ``MAIN_TEXT`` (True): run main-text extraction at all (``text_sha256``); False is faster.
- ``CRAWL_ID`` (random per run): stamped into every record's ``crawl.crawl_id``.
- ``CONTACT`` (""): a URL or e-mail address appended to the User-Agent.
- ``VALIDATE_RECORDS`` (True): check every record against the JSON Schema; invalid ones are
  dropped and logged.
"""

from scrapy.settings import default_settings as _scrapy_defaults

from crawler import __version__

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

CONTACT = ""
USER_AGENT = f"social-provenance-crawler/{__version__} (+https://pypi.org/project/social-provenance-crawler/)"

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
# Per response, not global (scrapy/scrapy#6852): under asyncio Scrapy starts this many tasks for
# every callback's output. An article yields one record and our pipelines are synchronous, so
# the default 100 only costs time (about a tenth of a crawl without main text).
CONCURRENT_ITEMS = 1
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_AFTER_MAX = 30.0  # seconds we honour a server's Retry-After on 429/503
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

EXTRACT_TEXT = False
MAIN_TEXT = True
PRECISE_TEXT = False  # let trafilatura cross-check with readability and jusText (about 2x slower)
ARTICLES_ONLY = False  # drop listed pages that declare another type (og:type website) even when they cite posts
CRAWL_ID = None
VALIDATE_RECORDS = True

# `scrapy check`: our spiders' callbacks carry contracts; @sample serves them a data: URL
SPIDER_CONTRACTS = {"crawler.spiders.contracts.SampleContract": 10}

FEED_EXPORTERS = {
    "jsonfeed": "crawler.exporters.JsonFeedItemExporter",
    "prov": "crawler.exporters.ProvItemExporter",
}
JSONFEED_TITLE = "Cited social posts"
JSONFEED_HOME_PAGE_URL = None
JSONFEED_FEED_URL = None

EXTENSIONS = {
    "crawler.incremental.StateExtension": 100,
    "crawler.extensions.ProgressLine": 500,
    # off and never imported: their modules add a tenth of a second to every scheduled run's
    # start (the remote control imports aiohttp); drop these two lines to have them back
    "scrapy.extensions.remote_control.RemoteControl": None,
    "scrapy.extensions.telnet.TelnetConsole": None,
}
FEED_STORAGES = {
    "": "crawler.incremental.FlushingFileFeedStorage",
    "file": "crawler.incremental.FlushingFileFeedStorage",
}

# Incremental state (see crawler/state): on by default, one SQLite file in the working directory.
STATE_ENABLED = True
STATE_URI = "sqlite:///.state/crawler.sqlite"
STATE_LOCK_WAIT = 0.0
STATE_TRUST_LASTMOD = True  # skip listed URLs whose lastmod predates our last fetch
# The citation index (`crawler cites/posts`, crawler/citations) is kept in the store as each
# version is settled. False skips it (see docs/performance.md for what it costs): the store then
# marks it stale, `cites`/`posts`/`feed --post` refuse to answer until `crawler reindex` rebuilds it.
CITATION_INDEX = True
ROLLING_FEED = None
ROLLING_FEED_LIMIT = 100
PROGRESS_INTERVAL = 10.0
STATS_FILE = None

# Distributed crawling: -s REDIS_URL=redis://HOST:PORT/DB switches the scheduler, duplicate filter
# and state store to Redis (crawler/distributed.py). Without it everything stays local.
ADDONS = {"crawler.distributed.RedisAddon": 0}
REDIS_URL = None
IDLE_CLOSE_SECONDS = 30.0
REDIS_RUN_TTL = 86400
# A worker silent this long has stopped: its leased requests go back to the queue and the
# versions it had pending are settled by the others.
REDIS_WORKER_TIMEOUT = 60.0

ITEM_PIPELINES = {
    "crawler.pipelines.ValidateRecordPipeline": 100,
    "crawler.incremental.IncrementalPipeline": 200,
}

# Requests to loopback, private, link-local (cloud metadata), unique-local and multicast
# addresses are refused, checked on every request, redirect hop and DNS answer (crawler/ssrf.py).
ALLOWED_PRIVATE_NETWORKS = ""
if hasattr(_scrapy_defaults, "TWISTED_DNS_RESOLVER"):  # the name since Scrapy 2.19
    TWISTED_DNS_RESOLVER = "crawler.ssrf.GuardedResolver"
else:
    DNS_RESOLVER = "crawler.ssrf.GuardedResolver"

DOWNLOADER_MIDDLEWARES = {
    "crawler.ssrf.PrivateAddressMiddleware": 50,
    "crawler.middlewares.ContactUserAgentMiddleware": 400,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.incremental.ConditionalRequestMiddleware": 580,
    "crawler.middlewares.WarcWriterMiddleware": 950,
}
WARC_OUTPUT = None
# Scrapy's HTTP/1.1 handler; with WARC_OUTPUT it also keeps the exchanges' raw bytes (crawler/warc.py)
DOWNLOAD_HANDLERS = {"http": "crawler.warc.RecordingDownloadHandler", "https": "crawler.warc.RecordingDownloadHandler"}
