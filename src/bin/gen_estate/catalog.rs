//! Static templates of the Northwind estate: on-prem hosts, EC2 instances and
//! Kubernetes workloads. Counts are the default (330-workload) estate; larger
//! estates scale every template with a count above one.

/// The DC1 VLAN a host lives in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Web,
    App,
    Data,
    Mgmt,
    Users,
    Nodes,
}

pub struct HostT {
    pub key: &'static str,
    pub prefix: &'static str,
    pub width: usize,
    pub base: usize,
    pub app: &'static str,
    pub owner: &'static str,
    pub tier: &'static str,
    pub role: Role,
    pub env: &'static str,
    pub crit: &'static str,
    pub dclass: &'static str,
    pub labels: &'static str,
    /// A second NIC in the management VLAN (backup network).
    pub mgmt_nic: bool,
    /// IPv6 address on every n-th host (0: none).
    pub v6_every: usize,
}

#[allow(clippy::too_many_arguments)]
const fn h(
    key: &'static str,
    prefix: &'static str,
    base: usize,
    app: &'static str,
    owner: &'static str,
    tier: &'static str,
    role: Role,
    crit: &'static str,
    dclass: &'static str,
    labels: &'static str,
) -> HostT {
    HostT {
        key,
        prefix,
        width: 2,
        base,
        app,
        owner,
        tier,
        role,
        env: "prod",
        crit,
        dclass,
        labels,
        mgmt_nic: false,
        v6_every: 0,
    }
}

impl HostT {
    const fn env(mut self, env: &'static str) -> Self {
        self.env = env;
        self
    }
    const fn nic(mut self) -> Self {
        self.mgmt_nic = true;
        self
    }
    const fn v6(mut self, every: usize) -> Self {
        self.v6_every = every;
        self
    }
    const fn width(mut self, w: usize) -> Self {
        self.width = w;
        self
    }
}

use Role::*;

/// On-prem CMDB hosts, most important first (small estates keep the first ones).
#[rustfmt::skip]
pub const HOSTS: &[HostT] = &[
    h("ad", "dc1-ad-", 2, "identity", "team-identity", "infra", Mgmt, "critical", "confidential", "os=windows;service=active-directory"),
    h("siem", "dc1-siem-", 2, "siem", "team-secops", "mgmt", Mgmt, "high", "restricted", "os=linux"),
    h("mon", "dc1-mon-", 2, "monitoring", "team-sre", "mgmt", Mgmt, "medium", "internal", "os=linux"),
    h("jump", "dc1-jump-", 2, "bastion", "team-infra", "mgmt", Mgmt, "high", "confidential", "os=windows"),
    h("db-orders", "dc1-db-orders-", 2, "orders", "team-orders", "data", Data, "critical", "restricted", "pci-scope=true;os=linux;db=postgresql").nic(),
    h("vdi", "vdi-", 84, "vdi", "team-workplace", "", Users, "low", "internal", "os=windows;pool=standard").width(4).v6(5),
    h("erp-web", "dc1-erpweb-", 2, "erp", "team-finance-it", "web", Web, "high", "confidential", "os=linux"),
    h("erp-app", "dc1-erpapp-", 3, "erp", "team-finance-it", "app", App, "high", "confidential", "os=linux"),
    h("db-erp", "dc1-db-erp-", 2, "erp", "team-finance-it", "data", Data, "critical", "restricted", "os=windows;db=mssql").nic(),
    h("hr-web", "dc1-hrweb-", 2, "hr-portal", "team-hr-apps", "web", Web, "medium", "confidential", "os=linux"),
    h("hr-app", "dc1-hrapp-", 2, "hr-portal", "team-hr-apps", "app", App, "medium", "confidential", "os=linux"),
    h("db-hr", "dc1-db-hr-", 1, "hr-portal", "team-hr-apps", "data", Data, "high", "restricted", "os=linux;db=postgresql").nic(),
    h("intranet", "dc1-intra-", 2, "intranet", "team-workplace", "web", Web, "low", "internal", "os=linux").v6(1),
    h("proxy", "dc1-proxy-", 2, "web-proxy", "team-network", "infra", Web, "high", "internal", "os=linux"),
    h("crm", "dc1-crm-", 2, "crm", "team-sales-it", "app", App, "medium", "confidential", "os=windows"),
    h("db-crm", "dc1-db-crm-", 1, "crm", "team-sales-it", "data", Data, "medium", "confidential", "os=linux;db=mysql").nic(),
    h("rpt", "dc1-rpt-", 2, "reporting", "team-data", "batch", App, "medium", "confidential", "os=linux"),
    h("dwh", "dc1-dwh-", 2, "reporting", "team-data", "data", Data, "high", "confidential", "os=linux;db=postgresql").nic(),
    h("mq", "dc1-mq-", 2, "integration", "team-integration", "app", App, "high", "internal", "os=linux"),
    h("mail", "dc1-mail-", 2, "mail", "team-workplace", "app", App, "medium", "confidential", "os=linux"),
    h("fs", "dc1-fs-", 2, "fileshare", "team-workplace", "data", Data, "medium", "confidential", "os=windows").nic(),
    h("bak", "dc1-bak-", 2, "backup", "team-infra", "infra", Data, "high", "restricted", "os=linux"),
    h("ntp", "dc1-ntp-", 1, "ntp", "team-network", "infra", Mgmt, "medium", "internal", "os=linux"),
    h("hsm", "dc1-hsm-", 1, "payments", "team-payments", "data", Data, "critical", "restricted", "pci-scope=true;vendor=thales"),
    h("vcenter", "dc1-vcenter-", 1, "virtualization", "team-infra", "mgmt", Mgmt, "critical", "confidential", "os=photon"),
    h("wsus", "dc1-wsus-", 1, "patching", "team-infra", "mgmt", Mgmt, "medium", "internal", "os=windows"),
    h("ci", "dc1-ci-", 2, "ci", "team-devex", "app", App, "low", "internal", "os=linux").env("dev"),
    h("nexus", "dc1-nexus-", 1, "artifacts", "team-devex", "data", Data, "medium", "internal", "os=linux"),
    h("hr-stg", "dc1-hrweb-stg-", 1, "hr-portal", "team-hr-apps", "web", Web, "low", "internal", "os=linux").env("staging"),
    h("erp-dev", "dc1-erpapp-dev-", 1, "erp", "team-finance-it", "app", App, "low", "internal", "os=linux").env("dev"),
    h("prn", "dc1-prn-", 2, "print", "team-workplace", "infra", Users, "low", "internal", "location=DC1, floor 2"),
    h("shop-legacy", "dc1-shop-legacy-", 1, "storefront", "team-storefront", "web", Web, "low", "public", "os=linux;note=the \"old\" shop").env("staging"),
    h("wiki", "dc1-wiki-", 1, "wiki", "team-devex", "web", Web, "low", "internal", "os=linux"),
    h("sftp", "dc1-sftp-", 1, "file-transfer", "team-integration", "app", Web, "medium", "confidential", "os=linux"),
    h("esb", "dc1-esb-", 2, "integration", "team-integration", "app", App, "high", "internal", "os=linux"),
    h("lic", "dc1-lic-", 1, "licensing", "team-infra", "app", App, "low", "internal", "os=windows"),
    h("av", "dc1-av-", 1, "endpoint-security", "team-secops", "mgmt", Mgmt, "high", "internal", "os=windows"),
    h("pki", "dc1-pki-", 1, "pki", "team-identity", "infra", Mgmt, "critical", "restricted", "os=windows"),
    h("radius", "dc1-radius-", 1, "nac", "team-network", "infra", Mgmt, "high", "internal", "os=linux"),
    h("rpt-etl", "dc1-rpt-etl-", 2, "reporting", "team-data", "batch", App, "medium", "confidential", "os=linux"),
    h("payroll", "dc1-payroll-", 2, "payroll", "team-hr-apps", "app", App, "high", "restricted", "os=windows"),
    h("db-payroll", "dc1-db-payroll-", 1, "payroll", "team-hr-apps", "data", Data, "critical", "restricted", "os=windows;db=mssql").nic(),
];

pub struct Ec2T {
    pub key: &'static str,
    /// Name tag prefix; empty: no Name tag (auto-scaling workers).
    pub prefix: &'static str,
    pub base: usize,
    pub app: &'static str,
    /// Tag key carrying the app: `app`, `application` or empty (no app tag).
    pub app_tag: &'static str,
    pub owner: &'static str,
    pub tier: &'static str,
    pub env: &'static str,
    pub crit: &'static str,
    pub dclass: &'static str,
    pub vpc: usize,
    pub subnets: &'static [usize],
    pub itype: &'static str,
    pub public: bool,
    pub v6: bool,
    pub second_eni: bool,
    pub vip: bool,
    pub idle: bool,
    pub terminated: bool,
    pub tags: &'static [(&'static str, &'static str)],
}

#[allow(clippy::too_many_arguments)]
const fn e(
    key: &'static str,
    prefix: &'static str,
    base: usize,
    app: &'static str,
    owner: &'static str,
    tier: &'static str,
    crit: &'static str,
    dclass: &'static str,
    vpc: usize,
    subnets: &'static [usize],
) -> Ec2T {
    Ec2T {
        key,
        prefix,
        base,
        app,
        app_tag: "app",
        owner,
        tier,
        env: "prod",
        crit,
        dclass,
        vpc,
        subnets,
        itype: "m6i.large",
        public: false,
        v6: false,
        second_eni: false,
        vip: false,
        idle: false,
        terminated: false,
        tags: &[],
    }
}

impl Ec2T {
    const fn public(mut self) -> Self {
        self.public = true;
        self
    }
    const fn v6(mut self) -> Self {
        self.v6 = true;
        self
    }
    const fn eni2(mut self) -> Self {
        self.second_eni = true;
        self
    }
    const fn vip(mut self) -> Self {
        self.vip = true;
        self
    }
    const fn idle(mut self) -> Self {
        self.idle = true;
        self
    }
    const fn terminated(mut self) -> Self {
        self.terminated = true;
        self
    }
    const fn env(mut self, env: &'static str) -> Self {
        self.env = env;
        self
    }
    const fn itype(mut self, t: &'static str) -> Self {
        self.itype = t;
        self
    }
    const fn app_tag(mut self, t: &'static str) -> Self {
        self.app_tag = t;
        self
    }
    const fn tags(mut self, t: &'static [(&'static str, &'static str)]) -> Self {
        self.tags = t;
        self
    }
}

const PCI: &[(&str, &str)] = &[("pci-scope", "true"), ("compliance", "pci-dss")];

/// EC2 instances. VPC 0 = prod (subnets 0 web-1a, 1 web-1b, 2 app-1a, 3 data-1a,
/// 4 app-1b which describe-subnets does not list); VPC 1 = shared-services
/// (0 svc-1a, 1 svc-1b, 2 mgmt-1a).
#[rustfmt::skip]
pub const EC2: &[Ec2T] = &[
    e("pay-api", "pay-api-", 4, "payments", "team-payments", "app", "critical", "restricted", 0, &[2]).tags(PCI),
    e("pay-db", "pay-db-", 2, "payments", "team-payments", "data", "critical", "restricted", 0, &[3]).vip().itype("r6i.xlarge").tags(PCI),
    e("store-web", "store-web-", 6, "storefront", "team-storefront", "web", "high", "public", 0, &[0, 1]).public().v6().itype("c6i.large"),
    e("ad-aws", "ad-aws-", 2, "identity", "team-identity", "infra", "critical", "confidential", 1, &[0, 1]).itype("m5.large"),
    e("siem-col", "siem-col-", 2, "siem", "team-secops", "mgmt", "high", "restricted", 1, &[2]),
    e("prom", "prom-", 2, "monitoring", "team-sre", "mgmt", "medium", "internal", 1, &[2]),
    e("catalog-indexer", "", 6, "catalog", "team-catalog", "batch", "medium", "internal", 0, &[2]).itype("c6i.xlarge").tags(&[("aws:autoscaling:groupName", "catalog-indexer-asg")]),
    e("rpt-old", "rpt-old-", 1, "reporting", "team-data", "batch", "low", "internal", 0, &[2]).terminated(),
    e("store-api", "store-api-", 4, "storefront", "team-storefront", "app", "high", "internal", 0, &[2]),
    e("orders-api", "orders-api-", 3, "orders", "team-orders", "app", "critical", "confidential", 0, &[2]),
    e("orders-db", "orders-db-", 1, "orders", "team-orders", "data", "critical", "restricted", 0, &[3]).vip().itype("r6i.xlarge"),
    e("catalog-es", "catalog-es-", 4, "catalog", "team-catalog", "data", "high", "internal", 0, &[3]).eni2().itype("r6i.large"),
    e("idp", "idp-", 2, "identity", "team-identity", "app", "critical", "confidential", 0, &[2]).app_tag("application"),
    e("bastion", "bastion-", 1, "bastion", "team-infra", "mgmt", "high", "internal", 0, &[0]).public().itype("t3.small"),
    e("cache", "cache-", 3, "storefront", "team-storefront", "data", "high", "internal", 0, &[3]).itype("r6g.large"),
    e("kafka", "kafka-", 3, "orders", "team-orders", "data", "high", "confidential", 0, &[3]),
    e("backup-gw", "backup-gw-", 1, "backup", "team-infra", "infra", "high", "restricted", 1, &[2]),
    e("batch-runner", "batch-runner-", 1, "reporting", "team-data", "batch", "low", "internal", 0, &[4]),
    e("orders-dr", "orders-dr-", 3, "orders", "team-orders", "data", "medium", "restricted", 0, &[3]).idle(),
    e("ci-agent", "ci-agent-", 3, "ci", "team-devex", "app", "low", "internal", 1, &[1]).env("dev"),
    e("aws-rpt-etl", "rpt-etl-", 1, "reporting", "team-data", "batch", "medium", "confidential", 0, &[2]),
    e("ops-scratch", "ops-scratch-", 1, "", "team-sre", "mgmt", "low", "internal", 1, &[2]).app_tag("").env("dev").itype("t3.medium"),
    e("stg-store-web", "stg-store-web-", 2, "storefront", "team-storefront", "web", "low", "public", 0, &[1]).env("staging"),
    e("pay-api-stg", "pay-api-stg-", 1, "payments", "team-payments", "app", "medium", "confidential", 0, &[2]).env("staging"),
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    CronJob,
    Job,
    Bare,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::CronJob => "CronJob",
            Kind::Job => "Job",
            Kind::Bare => "Pod",
        }
    }
}

/// Which label carries the app name on the pods.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Label {
    Name,
    App,
    K8sApp,
    Nothing,
}

pub struct K8sT {
    pub ns: &'static str,
    pub name: &'static str,
    pub kind: Kind,
    /// Replicas (CronJob: number of finished runs in the dump).
    pub replicas: usize,
    pub label: Label,
    /// Label value; empty: the workload name.
    pub value: &'static str,
    pub ports: &'static [(u16, &'static str, &'static str)],
    pub image: &'static str,
    pub host_network: bool,
}

const fn k(
    ns: &'static str,
    name: &'static str,
    kind: Kind,
    replicas: usize,
    label: Label,
) -> K8sT {
    K8sT {
        ns,
        name,
        kind,
        replicas,
        label,
        value: "",
        ports: &[],
        image: "",
        host_network: false,
    }
}

impl K8sT {
    const fn ports(mut self, p: &'static [(u16, &'static str, &'static str)]) -> Self {
        self.ports = p;
        self
    }
    const fn value(mut self, v: &'static str) -> Self {
        self.value = v;
        self
    }
    const fn image(mut self, i: &'static str) -> Self {
        self.image = i;
        self
    }
    const fn host_network(mut self) -> Self {
        self.host_network = true;
        self
    }
}

use Kind::*;
use Label::{App as LApp, K8sApp, Name, Nothing};

#[rustfmt::skip]
pub const NAMESPACES: &[&str] = &["web", "payments", "orders", "catalog", "kube-system", "monitoring", "batch"];

/// Kubernetes workloads of prod-k8s, most important first.
#[rustfmt::skip]
pub const K8S: &[K8sT] = &[
    k("kube-system", "coredns", Deployment, 2, K8sApp).value("kube-dns").image("registry.k8s.io/coredns/coredns:v1.11.3").ports(&[(53, "UDP", "dns"), (53, "TCP", "dns-tcp"), (9153, "TCP", "metrics")]),
    k("payments", "payments-api", Deployment, 3, Name).ports(&[(8443, "TCP", "https")]),
    k("web", "storefront-web", Deployment, 3, Name).ports(&[(8080, "TCP", "http")]),
    k("orders", "orders-api", Deployment, 2, LApp).ports(&[(8080, "TCP", "http")]),
    k("monitoring", "node-exporter", DaemonSet, 1, Name).host_network().image("quay.io/prometheus/node-exporter:v1.8.2").ports(&[(9100, "TCP", "metrics")]),
    k("catalog", "catalog-search", StatefulSet, 3, Name).image("docker.elastic.co/elasticsearch/elasticsearch:8.15.3").ports(&[(9200, "TCP", "http"), (9300, "TCP", "transport")]),
    k("batch", "report-builder", CronJob, 3, Name),
    k("monitoring", "prometheus", StatefulSet, 2, Name).image("quay.io/prometheus/prometheus:v2.54.1").ports(&[(9090, "TCP", "web")]),
    k("web", "storefront-bff", Deployment, 2, Name).ports(&[(8443, "TCP", "https")]),
    k("payments", "payments-redis", StatefulSet, 3, Name).image("docker.io/library/redis:7.4").ports(&[(6379, "TCP", "redis")]),
    k("orders", "orders-kafka", StatefulSet, 3, LApp).image("docker.io/bitnami/kafka:3.8").ports(&[(9092, "TCP", "kafka")]),
    k("catalog", "catalog-api", Deployment, 2, Name).ports(&[(8080, "TCP", "http")]),
    k("batch", "db-migrate-v42", Job, 1, LApp).value("orders"),
    k("web", "netshoot-debug", Bare, 1, Nothing).image("docker.io/nicolaka/netshoot:v0.13"),
    k("monitoring", "fluent-bit", DaemonSet, 1, Name).image("cr.fluentbit.io/fluent/fluent-bit:3.1.9").ports(&[(2020, "TCP", "http")]),
    k("kube-system", "metrics-server", Deployment, 1, K8sApp).value("metrics-server").image("registry.k8s.io/metrics-server/metrics-server:v0.7.2").ports(&[(10250, "TCP", "https")]),
    k("payments", "payments-worker", Deployment, 2, Name),
    k("payments", "fraud-scorer", Deployment, 2, Name).ports(&[(9000, "TCP", "grpc")]),
    k("orders", "orders-worker", Deployment, 2, LApp),
    k("catalog", "catalog-importer", CronJob, 2, Name),
    k("batch", "invoice-export", CronJob, 2, Name),
    k("monitoring", "grafana", Deployment, 1, Name).image("docker.io/grafana/grafana:11.2.2").ports(&[(3000, "TCP", "http")]),
    k("monitoring", "blackbox-exporter", Deployment, 1, Name).image("quay.io/prometheus/blackbox-exporter:v0.25.0").ports(&[(9115, "TCP", "http")]),
    k("web", "cms", Deployment, 1, LApp).ports(&[(8080, "TCP", "http")]),
    k("monitoring", "alertmanager", StatefulSet, 2, Name).image("quay.io/prometheus/alertmanager:v0.27.0").ports(&[(9093, "TCP", "web")]),
];

/// Words for generated ("filler") workloads per namespace.
#[rustfmt::skip]
pub const FILLER_WORDS: &[(&str, &[&str])] = &[
    ("web", &["cart", "checkout", "wishlist", "reviews", "banners", "session", "assets", "promo", "loyalty", "giftcards", "recs", "search-ui"]),
    ("payments", &["ledger", "refunds", "payouts", "tokenizer", "risk", "settlement", "chargebacks", "fx-rates", "billing", "vault-sync"]),
    ("orders", &["fulfilment", "shipping", "returns", "invoices", "tracking", "allocation", "pricing", "tax", "notifications"]),
    ("catalog", &["products", "media", "taxonomy", "availability", "feeds", "pim-sync", "reviews-index"]),
    ("batch", &["nightly-export", "cleanup", "reindex", "archive", "gdpr-erasure", "ml-train"]),
];

/// Filler roles: (suffix, server port or 0 for client-only).
pub const FILLER_ROLES: &[(&str, u16)] = &[
    ("api", 8080),
    ("worker", 0),
    ("gateway", 8443),
    ("sync", 0),
    ("consumer", 0),
    ("cache", 6379),
];

/// Every app pod serves Prometheus metrics on this port.
pub const METRICS_PORT: u16 = 9102;
