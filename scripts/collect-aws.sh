#!/usr/bin/env bash
# Collects the read-only AWS CLI output `eksflow import aws DIR` reads, for one EKS cluster.
#
#   scripts/collect-aws.sh CLUSTER [REGION] [DIR]
#   eksflow import aws DIR > scenario.yaml
#
# Every call is a read-only Describe/List/Get; nothing is changed. Needs the AWS CLI v2 and
# credentials allowed to call eks:Describe*, ec2:Describe* and route53resolver:List*/Get*.
# The files are plain CLI output (--output json), recognised by their content, so calls
# collected in any other way work too. Never run by the tests.
set -euo pipefail

cluster=${1:?usage: collect-aws.sh CLUSTER [REGION] [DIR]}
region=${2:-${AWS_REGION:-$(aws configure get region)}}
dir=${3:-eksflow-$cluster}
mkdir -p "$dir"
aws() { command aws --region "$region" --output json "$@"; }

aws eks describe-cluster --name "$cluster" > "$dir/eks-describe-cluster.json"
vpc=$(command aws --region "$region" eks describe-cluster --name "$cluster" \
  --query cluster.resourcesVpcConfig.vpcId --output text)

for group in $(command aws --region "$region" eks list-nodegroups --cluster-name "$cluster" \
  --query 'nodegroups[]' --output text); do
  aws eks describe-nodegroup --cluster-name "$cluster" --nodegroup-name "$group" \
    > "$dir/eks-describe-nodegroup-$group.json"
done

filter="Name=vpc-id,Values=$vpc"
aws ec2 describe-vpcs --vpc-ids "$vpc" > "$dir/ec2-describe-vpcs.json"
aws ec2 describe-vpc-attribute --vpc-id "$vpc" --attribute enableDnsSupport > "$dir/ec2-vpc-attribute-dns-support.json"
aws ec2 describe-vpc-attribute --vpc-id "$vpc" --attribute enableDnsHostnames > "$dir/ec2-vpc-attribute-dns-hostnames.json"
dhcp=$(command aws --region "$region" ec2 describe-vpcs --vpc-ids "$vpc" --query 'Vpcs[0].DhcpOptionsId' --output text)
if [ "$dhcp" != "default" ] && [ "$dhcp" != "None" ]; then
  aws ec2 describe-dhcp-options --dhcp-options-ids "$dhcp" > "$dir/ec2-describe-dhcp-options.json"
fi
aws ec2 describe-subnets --filters "$filter" > "$dir/ec2-describe-subnets.json"
aws ec2 describe-route-tables --filters "$filter" > "$dir/ec2-describe-route-tables.json"
aws ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$vpc" > "$dir/ec2-describe-internet-gateways.json"
aws ec2 describe-nat-gateways --filter "$filter" > "$dir/ec2-describe-nat-gateways.json"
aws ec2 describe-security-groups --filters "$filter" > "$dir/ec2-describe-security-groups.json"
aws ec2 describe-network-acls --filters "$filter" > "$dir/ec2-describe-network-acls.json"
aws ec2 describe-network-interfaces --filters "Name=description,Values=Amazon EKS $cluster" \
  > "$dir/ec2-describe-network-interfaces.json"
aws ec2 describe-vpc-peering-connections --filters "Name=requester-vpc-info.vpc-id,Values=$vpc" \
  > "$dir/ec2-describe-vpc-peering-connections-requester.json"
aws ec2 describe-vpc-peering-connections --filters "Name=accepter-vpc-info.vpc-id,Values=$vpc" \
  > "$dir/ec2-describe-vpc-peering-connections-accepter.json"
aws ec2 describe-vpc-endpoints --filters "$filter" > "$dir/ec2-describe-vpc-endpoints.json"

aws route53resolver list-resolver-endpoints > "$dir/route53resolver-list-resolver-endpoints.json"
# Inbound and outbound: both are traced (SPEC 8). The file name carries the endpoint ID,
# which is how the import tells whose addresses they are (the response does not say).
for endpoint in $(command aws --region "$region" route53resolver list-resolver-endpoints \
  --query "ResolverEndpoints[?HostVPCId=='$vpc'].Id" --output text); do
  aws route53resolver list-resolver-endpoint-ip-addresses --resolver-endpoint-id "$endpoint" \
    > "$dir/route53resolver-endpoint-ip-addresses-$endpoint.json"
done
aws route53resolver list-resolver-rules > "$dir/route53resolver-list-resolver-rules.json"
aws route53resolver list-resolver-rule-associations --filters "Name=VPCId,Values=$vpc" \
  > "$dir/route53resolver-list-resolver-rule-associations.json"

echo "collected into $dir: run \`eksflow import aws $dir\`" >&2
