package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// weightsMirror is the fleet's S3 copy of its model's checkpoint.
type weightsMirror struct {
	bucket *s3.BucketV2
	// prefix is where the model's files are ("models/<hf repo>").
	prefix string
}

// MirrorBucketPrefix starts every weights mirror's bucket name; S3 adds a
// unique suffix (bucket names are global).
const MirrorBucketPrefix = "costgate-weights-"

// mirrorPrefix is the model's key prefix in the mirror.
func mirrorPrefix(hfRepo string) string {
	return "models/" + strings.Trim(hfRepo, "/")
}

// weightsMirror registers the S3 weights mirror in the fleet's region:
// private (public access blocked), encrypted with S3's keys, emptied on
// destroy (it holds nothing that cannot be downloaded again), and, in the
// program's own VPC, an S3 gateway endpoint on the instances' route table
// so that filling the volume from it costs no NAT processing. In a given
// VPC (costgate:vpcId) the endpoint is that VPC's to add: the program says
// so rather than add a second route for S3 to tables it does not own.
func (f *fleet) weightsMirror(net network) (weightsMirror, error) {
	b, err := s3.NewBucketV2(f.ctx, f.name+"-weights", &s3.BucketV2Args{
		BucketPrefix: pulumi.String(MirrorBucketPrefix),
		ForceDestroy: pulumi.Bool(true),
		Tags:         withName(f.tags, f.name+"-weights"),
	}, f.parent)
	if err != nil {
		return weightsMirror{}, fmt.Errorf("create weights mirror: %w", err)
	}
	if _, err := s3.NewBucketPublicAccessBlock(f.ctx, f.name+"-weights", &s3.BucketPublicAccessBlockArgs{
		Bucket:                b.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, f.parent); err != nil {
		return weightsMirror{}, fmt.Errorf("block public access to the weights mirror: %w", err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(f.ctx, f.name+"-weights", &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: b.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, f.parent); err != nil {
		return weightsMirror{}, fmt.Errorf("encrypt the weights mirror: %w", err)
	}
	if net.routeTables == nil {
		_ = f.ctx.Log.Warn("costgate:vpcId is set: add an S3 gateway endpoint to the route tables of costgate:subnetIds, "+
			"or every start copies the weights from the mirror (and an image from ECR, whose layers ECR serves from S3) through that VPC's NAT gateway, which bills every GB it processes",
			&pulumi.LogArgs{Resource: f.c})
	} else if _, err := ec2.NewVpcEndpoint(f.ctx, f.name+"-s3", &ec2.VpcEndpointArgs{
		VpcId:           net.vpcID,
		ServiceName:     pulumi.String("com.amazonaws." + f.region + ".s3"),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   net.routeTables,
		Tags:            withName(f.tags, f.name+"-s3"),
	}, f.parent); err != nil {
		return weightsMirror{}, fmt.Errorf("create S3 gateway endpoint: %w", err)
	}
	return weightsMirror{bucket: b, prefix: mirrorPrefix(f.a.Sizing.VLLMArgs[0])}, nil
}

// mirrorStatements let an instance read and fill its model's prefix of
// the mirror, and list that prefix only.
func (f *fleet) mirrorStatements(bucketARN string, prefix string) []policyStatement {
	return []policyStatement{{
		Sid:      "ListOwnModelInMirror",
		Effect:   "Allow",
		Action:   []string{"s3:ListBucket"},
		Resource: []string{bucketARN},
		Condition: map[string]any{"StringLike": map[string]any{
			"s3:prefix": []string{prefix, prefix + "/*"},
		}},
	}, {
		Sid:      "ReadAndFillOwnModelInMirror",
		Effect:   "Allow",
		Action:   []string{"s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"},
		Resource: []string{bucketARN + "/" + prefix + "/*"},
	}}
}
