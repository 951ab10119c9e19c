//! Reader for eksctl `ClusterConfig` files (`apiVersion: eksctl.io/v1alpha5`).
//!
//! An eksctl config describes what eksctl *will build*, so most of the network is not in the
//! file: the reader fills the inventory with what eksctl creates, following eksctl's own
//! defaults, and writes every assumption to `Inventory::missing`.
//!
//! - **Endpoint access.** `vpc.clusterEndpoints` defaults to public on, private off
//!   (`ClusterEndpointAccessDefaults`, `pkg/apis/eksctl.io/v1alpha5/defaults.go`; eksctl user
//!   guide, "Cluster Access": "By default, an EKS cluster exposes the Kubernetes API server
//!   publicly but not directly from within the VPC subnets (public=true, private=false)").
//! - **The VPC eksctl creates** (no `vpc.id`): CIDR `vpc.cidr`, default `192.168.0.0/16`, with
//!   DNS support and DNS hostnames on (`pkg/cfn/builder/vpc_ipv4.go`). The CIDR "is divided
//!   into 8 (/19) subnets (3 private, 3 public & 2 reserved)" (user guide, "VPC
//!   Configuration"): `SetSubnets` (`pkg/vpc/vpc.go`) splits it into 8 equal blocks (16 beyond
//!   four zones) and gives zone *i* public block *i* and private block *i + zones*; the CIDR
//!   must be /16 to /24. Without `availabilityZones` eksctl picks three zones of the region at
//!   random, two in us-east-1 (`pkg/az`); the import assumes the first letters.
//! - **Routing.** An internet gateway and one public route table (0.0.0.0/0 → IGW) for every
//!   public subnet; one private route table per zone whatever the NAT mode (`vpc_ipv4.go`).
//!   `vpc.nat.gateway` defaults to `Single` (`DefaultClusterNAT`): one NAT gateway in the
//!   first zone's public subnet, the default route of every private table; `HighlyAvailable`:
//!   one NAT gateway per zone, each zone's private table to its own; `Disable`: no NAT
//!   gateway and no default route.
//! - **Fully-private clusters** (`privateCluster.enabled`): "no outbound internet access and
//!   only private subnets" (user guide, "EKS Fully-Private Cluster"): no internet gateway, no
//!   NAT, and unless `skipEndpointCreation` the VPC endpoints of `EndpointServices`
//!   (`pkg/apis/eksctl.io/v1alpha5/endpoint_service.go`): interface endpoints with private DNS
//!   for ec2, ecr.api, ecr.dkr and sts in the private subnets, an s3 gateway endpoint on the
//!   private route tables, ssm, ssmmessages, ec2messages and secretsmanager when the control
//!   plane runs on Outposts, `additionalEndpointServices`, and logs when CloudWatch logging is
//!   on. Node groups must use `privateNetworking` (`validation.go`).
//! - **Control plane subnets**: `vpc.controlPlaneSubnetIDs`; otherwise every public and
//!   private subnet (`ControlPlaneSubnetRefs`), only the private ones with
//!   `vpc.controlPlaneOnPrivateSubnets` or a control plane on Outposts.
//! - **Node groups** run in the public subnets unless `privateNetworking: true` ("The initial
//!   nodegroup is created in public subnets", user guide); `subnets:` names subnets by their
//!   name in `vpc.subnets`, by zone or by ID.
//! - **An existing VPC** (`vpc.id`, subnet IDs, or `controlPlaneSubnetIDs`): eksctl manages no
//!   NAT or routes in it ("the expectation is that the user has already setup NAT, routing,
//!   etc.", `ImportSubnets`, `pkg/vpc/vpc.go`), so its route tables, gateways and DNS
//!   attributes are unknown: they are listed as missing, not invented.

use std::net::Ipv4Addr;

use ipnetwork::{IpNetwork, Ipv4Network};
use serde_yaml::Value;

use super::build::sanitize;
use super::inventory::*;
use super::{ImportError, Inventory};

/// Reads an eksctl ClusterConfig (a file, or `-` for standard input).
pub fn read(source: &str) -> Result<Inventory, ImportError> {
    read_str(source, &super::read_text(source)?)
}

/// Reads an eksctl ClusterConfig already in memory; `source` names it in messages.
pub fn read_str(source: &str, text: &str) -> Result<Inventory, ImportError> {
    let root: Value = serde_yaml::from_str(text).map_err(|error| {
        let at = error
            .location()
            .map(|l| format!("line {} column {}", l.line(), l.column()))
            .unwrap_or_default();
        ImportError::new(source, at, format!("not valid YAML: {error}"))
    })?;
    let config = ClusterConfig::parse(&Node::root(source, &root))?;
    Importer::run(&config, source)
}

// ---- the config, as eksctl reads it --------------------------------------------------

/// Top-level sections the reader models; any other is listed as unsupported.
const MODELLED_SECTIONS: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "vpc",
    "availabilityZones",
    "privateCluster",
    "nodeGroups",
    "managedNodeGroups",
];

/// `vpc` fields the reader models.
const MODELLED_VPC_FIELDS: &[&str] = &[
    "id",
    "cidr",
    "extraCIDRs",
    "subnets",
    "nat",
    "clusterEndpoints",
    "publicAccessCIDRs",
    "controlPlaneSubnetIDs",
    "controlPlaneSecurityGroupIDs",
    "controlPlaneOnPrivateSubnets",
    "securityGroup",
];

/// The interface endpoints (and the s3 gateway) eksctl creates for every fully-private cluster.
const REQUIRED_ENDPOINT_SERVICES: &[&str] = &["ec2", "ecr.api", "ecr.dkr", "s3", "sts"];

/// The extra endpoints of a fully-private cluster whose control plane runs on Outposts.
const OUTPOSTS_ENDPOINT_SERVICES: &[&str] =
    &["ssm", "ssmmessages", "ec2messages", "secretsmanager"];

#[derive(Debug)]
struct ClusterConfig {
    name: String,
    region: Option<String>,
    availability_zones: Vec<String>,
    vpc: VpcConfig,
    private_cluster: PrivateCluster,
    /// `cloudWatch.clusterLogging.enableTypes` is not empty.
    cloudwatch_logging: bool,
    /// `outpost.controlPlaneOutpostARN` is set: an EKS local cluster on AWS Outposts.
    control_plane_on_outposts: bool,
    node_groups: Vec<NodeGroupConfig>,
    /// Sections read but not modelled.
    unsupported: Vec<String>,
}

#[derive(Debug, Default)]
struct VpcConfig {
    id: Option<String>,
    cidr: Option<Ipv4Network>,
    extra_cidrs: Vec<Ipv4Network>,
    subnets: Vec<SubnetSpec>,
    nat: Option<NatMode>,
    public_access: Option<bool>,
    private_access: Option<bool>,
    public_access_cidrs: Option<Vec<String>>,
    control_plane_subnet_ids: Vec<String>,
    control_plane_on_private_subnets: bool,
    /// `controlPlaneSecurityGroupIDs` and `securityGroup`.
    security_groups: Vec<String>,
}

/// One entry of `vpc.subnets.public` or `vpc.subnets.private`: `<name or zone>: {id, cidr, az}`.
#[derive(Debug)]
struct SubnetSpec {
    topology: Topology,
    name: String,
    path: String,
    id: Option<String>,
    cidr: Option<Ipv4Network>,
    az: Option<String>,
}

#[derive(Debug, Default)]
struct PrivateCluster {
    enabled: bool,
    skip_endpoint_creation: bool,
    additional_endpoint_services: Vec<String>,
}

#[derive(Debug)]
struct NodeGroupConfig {
    name: String,
    /// `nodeGroups[0]` or `managedNodeGroups[1]`.
    path: String,
    managed: bool,
    private_networking: bool,
    subnets: Vec<String>,
    availability_zones: Vec<String>,
    attach_security_groups: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topology {
    Public,
    Private,
}

impl Topology {
    /// As in `vpc.subnets.<key>`.
    fn key(self) -> &'static str {
        match self {
            Topology::Public => "public",
            Topology::Private => "private",
        }
    }

    /// As in eksctl's CloudFormation names (`SubnetPublicUSWEST2A`).
    fn title(self) -> &'static str {
        match self {
            Topology::Public => "Public",
            Topology::Private => "Private",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NatMode {
    Single,
    HighlyAvailable,
    Disable,
}

impl ClusterConfig {
    fn parse(root: &Node<'_>) -> Result<Self, ImportError> {
        if !root.value.is_mapping() {
            return Err(root.error(format!(
                "an eksctl ClusterConfig is a mapping; found {}",
                describe(root.value)
            )));
        }
        let kind_node = root.required("kind")?;
        let kind = kind_node.string()?;
        if kind != "ClusterConfig" {
            return Err(kind_node.error(format!(
                "`{kind}` is not an eksctl ClusterConfig (expected `kind: ClusterConfig`)"
            )));
        }
        if let Some(version) = root.get("apiVersion") {
            let text = version.string()?;
            if !text.starts_with("eksctl.io/") {
                return Err(version.error(format!(
                    "`{text}` is not an eksctl API version (expected eksctl.io/v1alpha5)"
                )));
            }
        }
        let metadata = root.required_section("metadata")?;
        let name_node = metadata.required("name")?;
        let name = name_node.string()?;
        if name.is_empty() {
            return Err(name_node.error("the cluster name is empty"));
        }
        let private_cluster = match root.section("privateCluster")? {
            Some(node) => PrivateCluster::parse(&node)?,
            None => PrivateCluster::default(),
        };
        Ok(ClusterConfig {
            name,
            region: metadata.optional("region", Node::string)?,
            availability_zones: root
                .optional("availabilityZones", Node::strings)?
                .unwrap_or_default(),
            vpc: match root.section("vpc")? {
                Some(node) => VpcConfig::parse(&node)?,
                None => VpcConfig::default(),
            },
            private_cluster,
            cloudwatch_logging: cloudwatch_logging(root)?,
            control_plane_on_outposts: root
                .section("outpost")?
                .map(|outpost| outpost.optional("controlPlaneOutpostARN", Node::string))
                .transpose()?
                .flatten()
                .is_some(),
            node_groups: NodeGroupConfig::parse_all(root)?,
            unsupported: unsupported_sections(root)?,
        })
    }

    /// eksctl uses an existing VPC when the config names it, or names existing subnets.
    fn uses_existing_vpc(&self) -> bool {
        self.vpc.id.is_some()
            || self.vpc.subnets.iter().any(|s| s.id.is_some())
            || !self.vpc.control_plane_subnet_ids.is_empty()
    }
}

/// Whether `cloudWatch.clusterLogging.enableTypes` turns any control plane log on.
fn cloudwatch_logging(root: &Node<'_>) -> Result<bool, ImportError> {
    let Some(cloudwatch) = root.section("cloudWatch")? else {
        return Ok(false);
    };
    let Some(logging) = cloudwatch.section("clusterLogging")? else {
        return Ok(false);
    };
    Ok(!logging
        .optional("enableTypes", Node::strings)?
        .unwrap_or_default()
        .is_empty())
}

/// Top-level sections and `vpc` fields the reader does not model, as `iam (eksctl)`.
fn unsupported_sections(root: &Node<'_>) -> Result<Vec<String>, ImportError> {
    let mut out = Vec::new();
    for (key, _) in root.entries()? {
        if MODELLED_SECTIONS.contains(&key.as_str()) {
            continue;
        }
        out.push(match key.as_str() {
            "outpost" => "outpost (eksctl): the control plane on AWS Outposts (an EKS local cluster) is modelled as a regional private cluster".to_owned(),
            _ => format!("{key} (eksctl)"),
        });
    }
    if let Some(vpc) = root.section("vpc")? {
        for (key, _) in vpc.entries()? {
            if !MODELLED_VPC_FIELDS.contains(&key.as_str()) {
                out.push(format!("vpc.{key} (eksctl)"));
            }
        }
    }
    Ok(out)
}

impl VpcConfig {
    fn parse(vpc: &Node<'_>) -> Result<Self, ImportError> {
        let endpoints = vpc.section("clusterEndpoints")?;
        let optional_bool = |key: &str| -> Result<Option<bool>, ImportError> {
            endpoints
                .as_ref()
                .map(|node| node.optional(key, Node::boolean))
                .transpose()
                .map(Option::flatten)
        };
        let mut security_groups = vpc
            .optional("controlPlaneSecurityGroupIDs", Node::strings)?
            .unwrap_or_default();
        if let Some(group) = vpc.optional("securityGroup", Node::string)?
            && !security_groups.contains(&group)
        {
            security_groups.push(group);
        }
        Ok(VpcConfig {
            id: vpc.optional("id", Node::string)?,
            cidr: vpc.optional("cidr", Node::ipv4_cidr)?,
            extra_cidrs: match vpc.get("extraCIDRs") {
                Some(list) => list
                    .items()?
                    .iter()
                    .map(Node::ipv4_cidr)
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
            subnets: match vpc.get("subnets") {
                Some(subnets) => SubnetSpec::parse_all(&subnets)?,
                None => Vec::new(),
            },
            nat: vpc
                .section("nat")?
                .and_then(|nat| nat.get("gateway"))
                .map(|gateway| NatMode::parse(&gateway))
                .transpose()?,
            public_access: optional_bool("publicAccess")?,
            private_access: optional_bool("privateAccess")?,
            public_access_cidrs: match vpc.get("publicAccessCIDRs") {
                Some(list) => Some(public_access_cidrs(&list)?),
                None => None,
            },
            control_plane_subnet_ids: vpc
                .optional("controlPlaneSubnetIDs", Node::strings)?
                .unwrap_or_default(),
            control_plane_on_private_subnets: vpc
                .optional("controlPlaneOnPrivateSubnets", Node::boolean)?
                .unwrap_or(false),
            security_groups,
        })
    }
}

/// `vpc.publicAccessCIDRs`: IPv4 or IPv6 blocks (the scenario's rules report IPv6 ones).
fn public_access_cidrs(list: &Node<'_>) -> Result<Vec<String>, ImportError> {
    list.items()?
        .iter()
        .map(|item| {
            let text = item.string()?;
            match text.parse::<IpNetwork>() {
                Ok(_) => Ok(text),
                Err(error) => Err(item.error(format!("`{text}` is not a CIDR block ({error})"))),
            }
        })
        .collect()
}

impl SubnetSpec {
    /// `vpc.subnets`: `public` and `private` mappings of `<name or zone>: {id, cidr, az}`.
    fn parse_all(subnets: &Node<'_>) -> Result<Vec<Self>, ImportError> {
        let mut out = Vec::new();
        for (key, group) in subnets.entries()? {
            let topology = match key.as_str() {
                "public" => Topology::Public,
                "private" => Topology::Private,
                _ => {
                    return Err(
                        group.error("unknown subnet group: eksctl knows `public` and `private`")
                    );
                }
            };
            for (name, spec) in group.entries()? {
                out.push(SubnetSpec::parse(topology, name, &spec)?);
            }
        }
        // eksctl lists public subnets before private ones (`ControlPlaneSubnetRefs`).
        out.sort_by_key(|s| s.topology == Topology::Private);
        Ok(out)
    }

    fn parse(topology: Topology, name: String, spec: &Node<'_>) -> Result<Self, ImportError> {
        // `us-west-2a: {}` and `us-west-2a:` (null) both name a subnet by its zone alone.
        let fields = if spec.value.is_null() {
            None
        } else if spec.value.is_mapping() {
            Some(spec)
        } else {
            return Err(spec.error(format!(
                "a subnet is a mapping with id, cidr and az; found {}",
                describe(spec.value)
            )));
        };
        let field = |key: &str| -> Result<Option<String>, ImportError> {
            fields
                .map(|node| node.optional(key, Node::string))
                .transpose()
                .map(Option::flatten)
        };
        let cidr = fields
            .map(|node| node.optional("cidr", Node::ipv4_cidr))
            .transpose()?
            .flatten();
        let az = field("az")?.or_else(|| looks_like_zone(&name).then(|| name.clone()));
        Ok(SubnetSpec {
            topology,
            path: spec.path.clone(),
            id: field("id")?,
            cidr,
            az,
            name,
        })
    }
}

/// Whether a `vpc.subnets` key is a zone name (`eu-north-1a`, `us-west-2-lax-1a`) rather
/// than a subnet name of the user's choosing.
fn looks_like_zone(name: &str) -> bool {
    let mut tail = name.chars().rev();
    matches!(
        (tail.next(), tail.next()),
        (Some(letter), Some(digit)) if letter.is_ascii_lowercase() && digit.is_ascii_digit()
    ) && name.contains('-')
}

impl NatMode {
    fn parse(node: &Node<'_>) -> Result<Self, ImportError> {
        match node.string()?.as_str() {
            "Single" => Ok(NatMode::Single),
            "HighlyAvailable" => Ok(NatMode::HighlyAvailable),
            "Disable" => Ok(NatMode::Disable),
            other => Err(node.error(format!(
                "`{other}` is not an eksctl NAT mode: expected Single, HighlyAvailable or Disable"
            ))),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            NatMode::Single => "Single",
            NatMode::HighlyAvailable => "HighlyAvailable",
            NatMode::Disable => "Disable",
        }
    }
}

impl PrivateCluster {
    fn parse(node: &Node<'_>) -> Result<Self, ImportError> {
        Ok(PrivateCluster {
            enabled: node.optional("enabled", Node::boolean)?.unwrap_or(false),
            skip_endpoint_creation: node
                .optional("skipEndpointCreation", Node::boolean)?
                .unwrap_or(false),
            additional_endpoint_services: node
                .optional("additionalEndpointServices", Node::strings)?
                .unwrap_or_default(),
        })
    }
}

impl NodeGroupConfig {
    /// `nodeGroups` then `managedNodeGroups`.
    fn parse_all(root: &Node<'_>) -> Result<Vec<Self>, ImportError> {
        let mut out = Vec::new();
        for (key, managed) in [("nodeGroups", false), ("managedNodeGroups", true)] {
            if let Some(list) = root.get(key) {
                for group in list.items()? {
                    out.push(NodeGroupConfig::parse(&group, managed)?);
                }
            }
        }
        Ok(out)
    }

    fn parse(group: &Node<'_>, managed: bool) -> Result<Self, ImportError> {
        if !group.value.is_mapping() {
            return Err(group.error(format!(
                "a node group is a mapping with a name; found {}",
                describe(group.value)
            )));
        }
        let attach = group
            .section("securityGroups")?
            .map(|groups| groups.optional("attachIDs", Node::strings))
            .transpose()?
            .flatten();
        Ok(NodeGroupConfig {
            name: group.required("name")?.string()?,
            path: group.path.clone(),
            managed,
            private_networking: group
                .optional("privateNetworking", Node::boolean)?
                .unwrap_or(false),
            subnets: group
                .optional("subnets", Node::strings)?
                .unwrap_or_default(),
            availability_zones: group
                .optional("availabilityZones", Node::strings)?
                .unwrap_or_default(),
            attach_security_groups: attach.unwrap_or_default(),
        })
    }

    /// `eksctl managedNodeGroups[0] (mng1)`, for comments.
    fn origin(&self) -> String {
        format!("eksctl {} ({})", self.path, self.name)
    }
}

// ---- YAML navigation ---------------------------------------------------------------------

/// A YAML value and its path in the file, so every error says where it is.
#[derive(Debug, Clone)]
struct Node<'a> {
    file: &'a str,
    path: String,
    value: &'a Value,
}

impl<'a> Node<'a> {
    fn root(file: &'a str, value: &'a Value) -> Self {
        Node {
            file,
            path: String::new(),
            value,
        }
    }

    fn error(&self, message: impl Into<String>) -> ImportError {
        ImportError::new(self.file, self.path.clone(), message)
    }

    fn at(&self, path: String, value: &'a Value) -> Node<'a> {
        Node {
            file: self.file,
            path,
            value,
        }
    }

    fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value under `key`; `None` when it is absent or null (eksctl reads both as unset).
    fn get(&self, key: &str) -> Option<Node<'a>> {
        let value = self.value.as_mapping()?.get(key)?;
        (!value.is_null()).then(|| self.at(self.key_path(key), value))
    }

    fn required(&self, key: &str) -> Result<Node<'a>, ImportError> {
        self.get(key).ok_or_else(|| {
            ImportError::new(
                self.file,
                self.key_path(key),
                "required by eksctl, and missing",
            )
        })
    }

    /// The mapping under `key` (`metadata`, `vpc`, ...), when there is one.
    fn section(&self, key: &str) -> Result<Option<Node<'a>>, ImportError> {
        match self.get(key) {
            Some(node) if !node.value.is_mapping() => Err(node.error(format!(
                "expected a mapping; found {}",
                describe(node.value)
            ))),
            other => Ok(other),
        }
    }

    fn required_section(&self, key: &str) -> Result<Node<'a>, ImportError> {
        self.section(key)?.map_or_else(|| self.required(key), Ok)
    }

    /// `read` applied to the value under `key`, when there is one.
    fn optional<T>(
        &self,
        key: &str,
        read: impl Fn(&Node<'a>) -> Result<T, ImportError>,
    ) -> Result<Option<T>, ImportError> {
        self.get(key).map(|node| read(&node)).transpose()
    }

    fn entries(&self) -> Result<Vec<(String, Node<'a>)>, ImportError> {
        let map = self.value.as_mapping().ok_or_else(|| {
            self.error(format!(
                "expected a mapping; found {}",
                describe(self.value)
            ))
        })?;
        map.iter()
            .map(|(key, value)| {
                let key = key
                    .as_str()
                    .ok_or_else(|| self.error("mapping keys must be strings"))?;
                Ok((key.to_owned(), self.at(self.key_path(key), value)))
            })
            .collect()
    }

    fn items(&self) -> Result<Vec<Node<'a>>, ImportError> {
        let items = self.value.as_sequence().ok_or_else(|| {
            self.error(format!("expected a list; found {}", describe(self.value)))
        })?;
        Ok(items
            .iter()
            .enumerate()
            .map(|(i, value)| self.at(format!("{}[{i}]", self.path), value))
            .collect())
    }

    fn string(&self) -> Result<String, ImportError> {
        self.value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.error(format!("expected a string; found {}", describe(self.value))))
    }

    fn boolean(&self) -> Result<bool, ImportError> {
        self.value.as_bool().ok_or_else(|| {
            self.error(format!(
                "expected true or false; found {}",
                describe(self.value)
            ))
        })
    }

    fn strings(&self) -> Result<Vec<String>, ImportError> {
        self.items()?.iter().map(Node::string).collect()
    }

    fn ipv4_cidr(&self) -> Result<Ipv4Network, ImportError> {
        let text = self.string()?;
        text.parse()
            .map_err(|error| self.error(format!("`{text}` is not an IPv4 CIDR block ({error})")))
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

// ---- config → inventory ------------------------------------------------------------------

/// A subnet of the cluster VPC, as node groups and the control plane pick them.
#[derive(Debug, Clone)]
struct PlacedSubnet {
    id: String,
    /// Its key in `vpc.subnets`, or its zone for the subnets eksctl lays out.
    name: String,
    az: Option<String>,
    topology: Topology,
}

/// The cluster VPC and the subnets eksctl uses in it.
#[derive(Debug, Default)]
struct Network {
    vpc: String,
    /// Public subnets first, as eksctl hands them to EKS.
    subnets: Vec<PlacedSubnet>,
    /// The private route tables eksctl creates (the s3 gateway endpoint's); empty when the
    /// VPC is not eksctl's.
    private_route_tables: Vec<String>,
}

impl Network {
    fn of(&self, topology: Topology) -> impl Iterator<Item = &PlacedSubnet> {
        self.subnets.iter().filter(move |s| s.topology == topology)
    }

    /// Subnets a node group's `subnets:` entry names: by name, ID or zone.
    fn named(&self, entry: &str, topology: Option<Topology>) -> Vec<&PlacedSubnet> {
        self.subnets
            .iter()
            .filter(|s| topology.is_none_or(|t| s.topology == t))
            .filter(|s| s.name == entry || s.id == entry || s.az.as_deref() == Some(entry))
            .collect()
    }
}

/// Builds the inventory for one config.
struct Importer<'c> {
    config: &'c ClusterConfig,
    /// The source, for errors.
    file: &'c str,
    inventory: Inventory,
}

impl<'c> Importer<'c> {
    fn run(config: &'c ClusterConfig, source: &'c str) -> Result<Inventory, ImportError> {
        let mut importer = Importer {
            config,
            file: source,
            inventory: Inventory {
                source: format!("eksctl ClusterConfig {source}"),
                region: config.region.clone(),
                unsupported: config.unsupported.clone(),
                ..Inventory::default()
            },
        };
        if config.region.is_none() {
            importer.note("metadata.region is not set (eksctl takes it from the AWS profile)");
        }
        let network = if config.uses_existing_vpc() {
            importer.existing_network()
        } else {
            importer.eksctl_network()?
        };
        importer.cluster(&network);
        importer.vpc_endpoints(&network);
        importer.node_groups(&network);
        Ok(importer.inventory)
    }

    fn note(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !self.inventory.missing.contains(&text) {
            self.inventory.missing.push(text);
        }
    }

    fn cluster_slug(&self) -> String {
        sanitize(&self.config.name)
    }

    // ---- an existing VPC --------------------------------------------------------------

    /// The VPC and subnets the config names; what eksctl does not manage there is unknown.
    fn existing_network(&mut self) -> Network {
        let vpc = self.existing_vpc();
        let subnets = self.existing_subnets(&vpc);
        self.control_plane_subnets_known_by_id(&vpc);
        Network {
            vpc,
            subnets,
            private_route_tables: Vec::new(),
        }
    }

    /// The existing VPC, its ID (or a stand-in), and notes on what the config cannot say.
    fn existing_vpc(&mut self) -> String {
        let config = self.config;
        let (id, origin) = match &config.vpc.id {
            Some(id) => (id.clone(), "eksctl vpc.id, an existing VPC"),
            None => {
                let id = format!("vpc-{}", self.cluster_slug());
                self.note(format!(
                    "vpc.id is not set: eksctl finds the VPC from the subnets; `{id}` stands in for it"
                ));
                (id, "an existing VPC (eksctl vpc.id not set)")
            }
        };
        self.inventory.vpcs.push(VpcDef {
            id: id.clone(),
            origin: origin.to_owned(),
            cidrs: config
                .vpc
                .cidr
                .iter()
                .chain(&config.vpc.extra_cidrs)
                .map(Ipv4Network::to_string)
                .collect(),
            // Unknown: the builder writes the AWS defaults.
            enable_dns_support: None,
            enable_dns_hostnames: None,
        });
        self.note(format!(
            "{id}: an existing VPC, so its DNS attributes (enableDnsSupport, enableDnsHostnames) are not in the eksctl config; the AWS defaults are assumed"
        ));
        self.note(format!(
            "{id}: eksctl does not manage routing in an existing VPC, and its route tables, internet gateway and NAT gateways are not in the config: the subnets keep only the local routes"
        ));
        if let Some(mode) = config.vpc.nat {
            self.note(format!(
                "vpc.nat.gateway: {} is ignored: eksctl creates no NAT gateway in an existing VPC",
                mode.as_str()
            ));
        }
        id
    }

    /// `vpc.subnets` of an existing VPC, as written.
    fn existing_subnets(&mut self, vpc: &str) -> Vec<PlacedSubnet> {
        let config = self.config;
        let mut placed = Vec::new();
        for spec in &config.vpc.subnets {
            let id = match &spec.id {
                Some(id) => id.clone(),
                None => {
                    let id = format!("subnet-{}-{}", spec.topology.key(), sanitize(&spec.name));
                    self.note(format!(
                        "{}: no subnet id (eksctl looks the subnet up by its CIDR or zone); `{id}` stands in for it",
                        spec.path
                    ));
                    id
                }
            };
            self.check_zone(spec);
            self.inventory.subnets.push(SubnetDef {
                id: id.clone(),
                origin: format!("eksctl {}", spec.path),
                vpc: Some(vpc.to_owned()),
                cidr: spec.cidr.map(|c| c.to_string()),
                az: spec.az.clone(),
                map_public_ip_on_launch: None,
            });
            placed.push(PlacedSubnet {
                id,
                name: spec.name.clone(),
                az: spec.az.clone(),
                topology: spec.topology,
            });
        }
        placed
    }

    /// Control plane subnets the config knows only by ID: listed without a CIDR, so the
    /// builder says which ones it could not place.
    fn control_plane_subnets_known_by_id(&mut self, vpc: &str) {
        let config = self.config;
        for (i, id) in config.vpc.control_plane_subnet_ids.iter().enumerate() {
            if !self.inventory.subnets.iter().any(|s| &s.id == id) {
                self.inventory.subnets.push(SubnetDef {
                    id: id.clone(),
                    origin: format!("eksctl vpc.controlPlaneSubnetIDs[{i}]"),
                    vpc: Some(vpc.to_owned()),
                    cidr: None,
                    az: None,
                    map_public_ip_on_launch: None,
                });
            }
        }
    }

    /// A subnet's zone should be in the cluster's region; say so when it is not.
    fn check_zone(&mut self, spec: &SubnetSpec) {
        if let (Some(az), Some(region)) = (&spec.az, &self.config.region)
            && !az.starts_with(region.as_str())
        {
            self.note(format!(
                "{}: zone {az} is not in the cluster's region {region}; kept as written",
                spec.path
            ));
        }
    }

    // ---- the VPC eksctl creates -------------------------------------------------------

    /// The VPC, subnets, gateways and route tables `eksctl create cluster` builds.
    fn eksctl_network(&mut self) -> Result<Network, ImportError> {
        let (vpc, cidr) = self.eksctl_vpc()?;
        let mut network = Network {
            subnets: self.eksctl_subnets(cidr)?,
            vpc,
            private_route_tables: Vec::new(),
        };
        let nats = if self.config.private_cluster.enabled {
            Vec::new()
        } else {
            let igw = self.internet_gateway(&network);
            self.public_route_table(&network, &igw);
            self.nat_gateways(&network)
        };
        network.private_route_tables = self.private_route_tables(&network, &nats);
        Ok(network)
    }

    /// The VPC eksctl creates: its ID and primary CIDR.
    fn eksctl_vpc(&mut self) -> Result<(String, Ipv4Network), ImportError> {
        let config = self.config;
        let (cidr, cidr_origin) = match config.vpc.cidr {
            Some(cidr) => (cidr, "vpc.cidr"),
            None => (default_vpc_cidr(), "eksctl's default CIDR"),
        };
        if !(16..=24).contains(&cidr.prefix()) {
            return Err(ImportError::new(
                self.file,
                "vpc.cidr",
                format!("eksctl requires a /16 to /24 VPC CIDR; {cidr} is not"),
            ));
        }
        let id = format!("vpc-{}", self.cluster_slug());
        self.inventory.vpcs.push(VpcDef {
            id: id.clone(),
            origin: format!(
                "eksctl-created VPC ({cidr_origin} {cidr}; DNS support and hostnames on)"
            ),
            cidrs: std::iter::once(&cidr)
                .chain(&config.vpc.extra_cidrs)
                .map(Ipv4Network::to_string)
                .collect(),
            enable_dns_support: Some(true),
            enable_dns_hostnames: Some(true),
        });
        self.note(format!(
            "{id}: eksctl creates the VPC and its subnets, gateways and route tables; their IDs are assigned at creation, so names after eksctl's CloudFormation resources stand in"
        ));
        Ok((id, cidr))
    }

    /// eksctl's layout, or the subnets the config gives; only private ones when the cluster
    /// is fully private.
    fn eksctl_subnets(&mut self, cidr: Ipv4Network) -> Result<Vec<PlacedSubnet>, ImportError> {
        let config = self.config;
        let mut subnets = if config.vpc.subnets.is_empty() {
            self.laid_out_subnets(cidr)?
        } else {
            self.custom_subnets()
        };
        if config.private_cluster.enabled
            && subnets.iter().any(|(s, _)| s.topology == Topology::Public)
        {
            self.note("privateCluster.enabled: eksctl creates only private subnets in a fully-private cluster; the public ones are left out");
            subnets.retain(|(s, _)| s.topology == Topology::Private);
        }
        let (placed, defs): (Vec<PlacedSubnet>, Vec<SubnetDef>) = subnets.into_iter().unzip();
        self.inventory.subnets.extend(defs);
        Ok(placed)
    }

    /// eksctl's layout: the VPC CIDR split into 8 (or 16) equal blocks, zone *i* getting
    /// public block *i* and private block *i + zones*.
    fn laid_out_subnets(
        &mut self,
        cidr: Ipv4Network,
    ) -> Result<Vec<(PlacedSubnet, SubnetDef)>, ImportError> {
        let zones = self.zones()?;
        let blocks = eksctl_blocks(cidr, zones.len()).ok_or_else(|| {
            ImportError::new(
                self.file,
                "availabilityZones",
                format!(
                    "eksctl creates at most 16 subnets (8 zones); {} zones given",
                    zones.len()
                ),
            )
        })?;
        // A fully-private cluster gets no public subnets: their blocks stay unused.
        let topologies: &[Topology] = if self.config.private_cluster.enabled {
            &[Topology::Private]
        } else {
            &[Topology::Public, Topology::Private]
        };
        let mut out = Vec::new();
        for &topology in topologies {
            let offset = if topology == Topology::Public {
                0
            } else {
                zones.len()
            };
            for (i, zone) in zones.iter().enumerate() {
                let Some(block) = blocks.get(i + offset) else {
                    continue;
                };
                out.push(self.eksctl_subnet(topology, zone, Some(zone.clone()), Some(*block)));
            }
        }
        if let Some(block) = blocks.first() {
            self.note(format!(
                "{}: subnet CIDRs follow eksctl's layout: {cidr} split into {} /{} blocks, public subnets first, then private, one of each per zone",
                self.config.name,
                blocks.len(),
                block.prefix()
            ));
        }
        Ok(out)
    }

    /// `vpc.subnets` of a VPC eksctl creates: the user's CIDRs and zones, eksctl's routing.
    fn custom_subnets(&mut self) -> Vec<(PlacedSubnet, SubnetDef)> {
        let config = self.config;
        let mut out = Vec::new();
        for spec in &config.vpc.subnets {
            self.check_zone(spec);
            let (placed, mut def) =
                self.eksctl_subnet(spec.topology, &spec.name, spec.az.clone(), spec.cidr);
            def.origin = format!("eksctl {} (created by eksctl)", spec.path);
            out.push((placed, def));
        }
        out
    }

    fn eksctl_subnet(
        &self,
        topology: Topology,
        name: &str,
        az: Option<String>,
        cidr: Option<Ipv4Network>,
    ) -> (PlacedSubnet, SubnetDef) {
        let id = format!("subnet-{}-{}", topology.key(), sanitize(name));
        let def = SubnetDef {
            id: id.clone(),
            origin: format!(
                "eksctl-created Subnet{}{}",
                topology.title(),
                resource_alias(name)
            ),
            vpc: Some(format!("vpc-{}", self.cluster_slug())),
            cidr: cidr.map(|c| c.to_string()),
            az: az.clone(),
            // eksctl's public subnets auto-assign public IPv4 addresses, as EKS requires for
            // nodes in public subnets (eksctl pkg/cfn/builder/vpc_ipv4.go; EKS user guide,
            // network-reqs).
            map_public_ip_on_launch: Some(topology == Topology::Public),
        };
        let placed = PlacedSubnet {
            id,
            name: name.to_owned(),
            az,
            topology,
        };
        (placed, def)
    }

    /// The zones eksctl spreads a new VPC over.
    fn zones(&mut self) -> Result<Vec<String>, ImportError> {
        let config = self.config;
        if !config.availability_zones.is_empty() {
            let mut zones: Vec<String> = Vec::new();
            for zone in &config.availability_zones {
                if !zones.contains(zone) {
                    zones.push(zone.clone());
                }
            }
            if zones.len() < 2 {
                return Err(ImportError::new(
                    self.file,
                    "availabilityZones",
                    "eksctl requires at least two availability zones",
                ));
            }
            return Ok(zones);
        }
        // The builder assumes us-east-1 too when the region is unknown.
        let region = config.region.as_deref().unwrap_or("us-east-1");
        let count = if region == "us-east-1" { 2 } else { 3 };
        let zones: Vec<String> = ["a", "b", "c"]
            .iter()
            .take(count)
            .map(|letter| format!("{region}{letter}"))
            .collect();
        self.note(format!(
            "availabilityZones is not set: eksctl picks {count} zones of {region} at random at creation; {} are assumed",
            zones.join(", ")
        ));
        Ok(zones)
    }

    fn internet_gateway(&mut self, network: &Network) -> String {
        let id = format!("igw-{}", self.cluster_slug());
        self.inventory.internet_gateways.push(GatewayDef {
            id: id.clone(),
            origin: "eksctl-created InternetGateway".to_owned(),
            vpc: Some(network.vpc.clone()),
        });
        id
    }

    /// One table for every public subnet: 0.0.0.0/0 → the internet gateway.
    fn public_route_table(&mut self, network: &Network, igw: &str) {
        self.inventory.route_tables.push(RouteTableDef {
            id: "rtb-public".to_owned(),
            origin: "eksctl-created PublicRouteTable".to_owned(),
            vpc: Some(network.vpc.clone()),
            routes: vec![RouteDef {
                destination: Some("0.0.0.0/0".to_owned()),
                target: RouteTargetDef::InternetGateway(igw.to_owned()),
            }],
            subnets: network.of(Topology::Public).map(|s| s.id.clone()).collect(),
            main: false,
        });
    }

    /// The NAT gateways of `vpc.nat.gateway`, as (public subnet, NAT gateway ID) pairs.
    fn nat_gateways(&mut self, network: &Network) -> Vec<(PlacedSubnet, String)> {
        let config = self.config;
        let (mode, mode_origin) = match config.vpc.nat {
            Some(mode) => (mode, format!("vpc.nat.gateway: {}", mode.as_str())),
            None => (
                NatMode::Single,
                "vpc.nat.gateway not set: eksctl's default Single".to_owned(),
            ),
        };
        let public: Vec<PlacedSubnet> = network.of(Topology::Public).cloned().collect();
        let hosts: Vec<PlacedSubnet> = match mode {
            NatMode::Disable => Vec::new(),
            NatMode::HighlyAvailable => public,
            // eksctl puts the single NAT gateway in the first zone's public subnet.
            NatMode::Single => {
                let first_zone = config.availability_zones.first();
                public
                    .iter()
                    .find(|s| first_zone.is_some_and(|z| s.az.as_ref() == Some(z) || &s.name == z))
                    .or(public.first())
                    .cloned()
                    .into_iter()
                    .collect()
            }
        };
        if mode != NatMode::Disable && hosts.is_empty() {
            self.note(format!(
                "{mode_origin}: the VPC has no public subnet for a NAT gateway; none is assumed"
            ));
        }
        let mut out = Vec::new();
        for host in hosts {
            let (id, resource) = match mode {
                NatMode::Single => (
                    format!("nat-{}", self.cluster_slug()),
                    "NATGateway".to_owned(),
                ),
                _ => (
                    format!("nat-{}", sanitize(&host.name)),
                    format!("NATGateway{}", resource_alias(&host.name)),
                ),
            };
            self.inventory.nat_gateways.push(NatDef {
                id: id.clone(),
                origin: format!("eksctl-created {resource}, {mode_origin}"),
                subnet: Some(host.id.clone()),
                // The Elastic IP is allocated at creation: the builder writes a placeholder.
                public_ip: None,
                private: false,
            });
            out.push((host, id));
        }
        out
    }

    /// One route table per private subnet, its default route to the NAT gateway of its zone
    /// (`HighlyAvailable`), the only one (`Single`), or none.
    fn private_route_tables(
        &mut self,
        network: &Network,
        nats: &[(PlacedSubnet, String)],
    ) -> Vec<String> {
        let private: Vec<PlacedSubnet> = network.of(Topology::Private).cloned().collect();
        let mut ids = Vec::new();
        for subnet in private {
            let nat = nat_for(&subnet, nats);
            let routes = nat
                .map(|nat| RouteDef {
                    destination: Some("0.0.0.0/0".to_owned()),
                    target: RouteTargetDef::NatGateway(nat.to_owned()),
                })
                .into_iter()
                .collect();
            let id = format!("rtb-private-{}", sanitize(&subnet.name));
            self.inventory.route_tables.push(RouteTableDef {
                id: id.clone(),
                origin: format!(
                    "eksctl-created PrivateRouteTable{}",
                    resource_alias(&subnet.name)
                ),
                vpc: Some(network.vpc.clone()),
                routes,
                subnets: vec![subnet.id.clone()],
                main: false,
            });
            ids.push(id);
        }
        ids
    }

    // ---- the cluster ------------------------------------------------------------------

    fn cluster(&mut self, network: &Network) {
        let config = self.config;
        let (public, private) = self.endpoint_access();
        let subnets = self.control_plane_subnets(network);
        self.inventory.clusters.push(ClusterDef {
            name: config.name.clone(),
            origin: format!("eksctl metadata.name={}", config.name),
            region: config.region.clone(),
            vpc: Some(network.vpc.clone()),
            subnets,
            security_groups: config.vpc.security_groups.clone(),
            cluster_security_group: None,
            public_access: Some(public),
            private_access: Some(private),
            public_access_cidrs: config.vpc.public_access_cidrs.clone(),
            endpoint: None,
        });
    }

    /// (public, private) endpoint access, eksctl's defaults filled in and said.
    fn endpoint_access(&mut self) -> (bool, bool) {
        let vpc = &self.config.vpc;
        let (public, private) = (vpc.public_access, vpc.private_access);
        if self.config.private_cluster.enabled {
            if public == Some(true) || private == Some(false) {
                self.note("privateCluster.enabled: the endpoint is private only, whatever vpc.clusterEndpoints says");
            }
            return (false, true);
        }
        let public = public.unwrap_or_else(|| {
            self.note(
                "vpc.clusterEndpoints.publicAccess is not set: eksctl's default (true) is used",
            );
            true
        });
        let private = private.unwrap_or_else(|| {
            self.note(
                "vpc.clusterEndpoints.privateAccess is not set: eksctl's default (false) is used",
            );
            false
        });
        (public, private)
    }

    /// `controlPlaneSubnetIDs`, else every subnet (public first), else the private ones when
    /// eksctl is told to keep the control plane there.
    fn control_plane_subnets(&mut self, network: &Network) -> Vec<String> {
        let config = self.config;
        if !config.vpc.control_plane_subnet_ids.is_empty() {
            return config.vpc.control_plane_subnet_ids.clone();
        }
        let private_only =
            config.vpc.control_plane_on_private_subnets || config.control_plane_on_outposts;
        let private: Vec<String> = network
            .of(Topology::Private)
            .map(|s| s.id.clone())
            .collect();
        if private_only {
            if !private.is_empty() {
                return private;
            }
            self.note("vpc.controlPlaneOnPrivateSubnets: the config has no private subnet; every subnet is used");
        }
        network.subnets.iter().map(|s| s.id.clone()).collect()
    }

    // ---- VPC endpoints of a fully-private cluster -------------------------------------

    fn vpc_endpoints(&mut self, network: &Network) {
        let private_cluster = &self.config.private_cluster;
        if !private_cluster.enabled {
            return;
        }
        if private_cluster.skip_endpoint_creation {
            self.note("privateCluster.skipEndpointCreation: eksctl expects the VPC endpoints to exist already, and they are not in the config");
            return;
        }
        let subnets = one_per_zone(network.of(Topology::Private));
        for service in self.endpoint_services() {
            let gateway = service == "s3";
            self.inventory.vpc_endpoints.push(VpcEndpointDef {
                id: format!("vpce-{}", sanitize(&service)),
                origin: format!(
                    "eksctl-created VPCEndpoint{} (privateCluster)",
                    resource_alias(&service.replace('.', ""))
                ),
                vpc: Some(network.vpc.clone()),
                kind: Some(if gateway { "Gateway" } else { "Interface" }.to_owned()),
                private_dns: (!gateway).then_some(true),
                subnets: if gateway { Vec::new() } else { subnets.clone() },
                route_tables: if gateway {
                    network.private_route_tables.clone()
                } else {
                    Vec::new()
                },
                service,
            });
        }
    }

    /// The services eksctl creates endpoints for, in its order.
    fn endpoint_services(&self) -> Vec<String> {
        let config = self.config;
        let mut services: Vec<String> = REQUIRED_ENDPOINT_SERVICES
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        if config.control_plane_on_outposts {
            services.extend(OUTPOSTS_ENDPOINT_SERVICES.iter().map(|s| (*s).to_owned()));
        }
        let mut extra = config.private_cluster.additional_endpoint_services.clone();
        if config.cloudwatch_logging {
            extra.push("logs".to_owned());
        }
        for service in extra {
            if !services.contains(&service) {
                services.push(service);
            }
        }
        services
    }

    // ---- node groups ------------------------------------------------------------------

    fn node_groups(&mut self, network: &Network) {
        let config = self.config;
        for group in &config.node_groups {
            let subnets = self.node_group_subnets(group, network);
            if subnets.is_empty() {
                continue;
            }
            if !group.attach_security_groups.is_empty() {
                // eksctl attaches them next to the cluster security group (managed) or its
                // shared node group (unmanaged, which the cluster group admits); their rules
                // are not in the config, so the nodes keep the cluster security group only.
                self.note(format!(
                    "{}: securityGroups.attachIDs {} are not in the config; the nodes keep the cluster security group, which eksctl also attaches",
                    group.origin(),
                    group.attach_security_groups.join(", ")
                ));
            }
            self.inventory.node_groups.push(NodeGroupDef {
                name: group.name.clone(),
                origin: format!(
                    "{}{}",
                    group.origin(),
                    if group.managed { ", managed" } else { "" }
                ),
                cluster: Some(config.name.clone()),
                subnets,
                security_groups: None,
            });
        }
    }

    /// Where eksctl puts a node group's nodes.
    fn node_group_subnets(&mut self, group: &NodeGroupConfig, network: &Network) -> Vec<String> {
        let topology = self.node_group_topology(group);
        if !group.subnets.is_empty() {
            return self.named_subnets(group, network, topology);
        }
        let subnets: Vec<String> = network
            .of(topology)
            .filter(|s| {
                group.availability_zones.is_empty()
                    || s.az
                        .as_ref()
                        .is_some_and(|az| group.availability_zones.contains(az))
            })
            .map(|s| s.id.clone())
            .collect();
        if subnets.is_empty() {
            self.note(format!(
                "{}: eksctl puts it in the {} subnets{}, and the config has none; the node group is left out",
                group.origin(),
                topology.key(),
                if group.availability_zones.is_empty() { "" } else { " of its availabilityZones" }
            ));
        }
        subnets
    }

    fn node_group_topology(&mut self, group: &NodeGroupConfig) -> Topology {
        if group.private_networking {
            return Topology::Private;
        }
        if self.config.private_cluster.enabled {
            self.note(format!(
                "{}: privateNetworking is not set, which eksctl rejects in a fully-private cluster; the private subnets are assumed",
                group.origin()
            ));
            return Topology::Private;
        }
        Topology::Public
    }

    /// `subnets:` entries, by name, ID or zone, in the node group's topology first.
    fn named_subnets(
        &mut self,
        group: &NodeGroupConfig,
        network: &Network,
        topology: Topology,
    ) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for entry in &group.subnets {
            let mut found = network.named(entry, Some(topology));
            if found.is_empty() {
                found = network.named(entry, None);
            }
            let mut matched: Vec<String> = found.iter().map(|s| s.id.clone()).collect();
            if matched.is_empty() {
                if entry.starts_with("subnet-") {
                    // An existing subnet known only by ID: the builder says it is unknown.
                    matched.push(entry.clone());
                } else {
                    self.note(format!(
                        "{}: subnets entry `{entry}` names no subnet, zone or subnet ID of the config; left out",
                        group.origin()
                    ));
                }
            }
            for id in matched {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids
    }
}

/// The NAT gateway a private subnet's table routes to: the one in its zone (or of the same
/// name), else the only one.
fn nat_for<'n>(subnet: &PlacedSubnet, nats: &'n [(PlacedSubnet, String)]) -> Option<&'n str> {
    let same_zone = nats
        .iter()
        .find(|(host, _)| host.name == subnet.name || (host.az.is_some() && host.az == subnet.az));
    if let Some((_, id)) = same_zone {
        return Some(id);
    }
    match nats {
        [(_, only)] => Some(only),
        _ => None,
    }
}

/// Interface endpoints take one subnet per zone: the first of each.
fn one_per_zone<'s>(subnets: impl Iterator<Item = &'s PlacedSubnet>) -> Vec<String> {
    let mut zones: Vec<Option<&String>> = Vec::new();
    let mut out = Vec::new();
    for subnet in subnets {
        let zone = subnet.az.as_ref();
        if zone.is_none() || !zones.contains(&zone) {
            zones.push(zone);
            out.push(subnet.id.clone());
        }
    }
    out
}

/// eksctl's CloudFormation name suffix for a zone or subnet name: `us-west-2a` → `USWEST2A`.
fn resource_alias(name: &str) -> String {
    name.replace('-', "").to_ascii_uppercase()
}

fn default_vpc_cidr() -> Ipv4Network {
    Ipv4Network::new(Ipv4Addr::new(192, 168, 0, 0), 16)
        .unwrap_or_else(|_| Ipv4Network::from(Ipv4Addr::new(192, 168, 0, 0)))
}

/// `SetSubnets` (eksctl `pkg/vpc/vpc.go`): the VPC CIDR in 8 equal blocks, or 16 when more
/// than four zones need a public and a private subnet each; `None` beyond eight zones.
fn eksctl_blocks(cidr: Ipv4Network, zones: usize) -> Option<Vec<Ipv4Network>> {
    let (count, extra_bits): (u32, u8) = match zones.checked_mul(2)? {
        0..=8 => (8, 3),
        9..=16 => (16, 4),
        _ => return None,
    };
    let prefix = cidr.prefix().checked_add(extra_bits).filter(|p| *p <= 32)?;
    let size = 1u32.checked_shl(32 - u32::from(prefix))?;
    let base = u32::from(cidr.network());
    (0..count)
        .map(|i| {
            let start = base.checked_add(i.checked_mul(size)?)?;
            Ipv4Network::new(Ipv4Addr::from(start), prefix).ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(cidr: &str, zones: usize) -> Vec<String> {
        eksctl_blocks(cidr.parse().unwrap(), zones)
            .unwrap()
            .iter()
            .map(Ipv4Network::to_string)
            .collect()
    }

    #[test]
    fn the_default_cidr_splits_into_eight_19s() {
        let all = blocks("192.168.0.0/16", 3);
        assert_eq!(all.len(), 8);
        assert_eq!(all.first().map(String::as_str), Some("192.168.0.0/19"));
        assert_eq!(all.get(3).map(String::as_str), Some("192.168.96.0/19"));
        assert_eq!(all.last().map(String::as_str), Some("192.168.224.0/19"));
    }

    #[test]
    fn more_than_four_zones_split_into_sixteen() {
        let all = blocks("10.0.0.0/16", 5);
        assert_eq!(all.len(), 16);
        assert_eq!(all.get(1).map(String::as_str), Some("10.0.16.0/20"));
        assert!(eksctl_blocks("10.0.0.0/16".parse().unwrap(), 9).is_none());
    }

    #[test]
    fn zone_names_are_told_from_subnet_names() {
        assert!(looks_like_zone("eu-north-1a"));
        assert!(looks_like_zone("us-west-2-lax-1a"));
        assert!(!looks_like_zone("private-one"));
        assert!(!looks_like_zone("b"));
    }

    #[test]
    fn resource_aliases_follow_eksctl() {
        assert_eq!(resource_alias("us-west-2a"), "USWEST2A");
        assert_eq!(resource_alias("ecrapi"), "ECRAPI");
    }
}
