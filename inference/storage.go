package inference

// The weights on an instance: the gp3 volume that holds them, how fast it
// fills and loads, and how long a start takes from the fleet's S3 mirror or,
// the first time, from Hugging Face. The stack provisions what this sizes
// and the cost model prices the same figures.

import "math"

// Root volume sizing. The AMI's own snapshot needs about 75 GB; the
// checkpoint may be downloaded at twice the resident size (a BF16
// checkpoint served as FP8); the vLLM image unpacks to about 25 GB.
const (
	amiBaseGB      = 100
	imageGB        = 30
	volumeHeadroom = 1.2
)

// gp3's performance limits (docs.aws.amazon.com/ebs/latest/userguide/
// general-purpose.html): 3,000 IOPS and 125 MiB/s included, up to 16,000
// IOPS and 1,000 MiB/s provisioned, at most 0.25 MiB/s per provisioned
// IOPS.
const (
	GP3BaselineMiBps = 125
	GP3MaxMiBps      = 1000
	GP3BaselineIOPS  = 3000
	GP3MaxIOPS       = 16000
	gp3MiBpsPerIOPS  = 0.25
)

// Start times. bootSeconds is the boot, the image pull and vLLM's start
// around the weights; hubMBps the download from Hugging Face through the
// NAT gateway (about 100 MB/s); loadTargetSeconds the time the volume is
// provisioned to write the checkpoint from the mirror and read it back.
const (
	bootSeconds       = 600
	hubMBps           = 100
	loadTargetSeconds = 300
	mib               = 1 << 20
)

// ImagePullGB is what an instance start downloads of the vLLM image
// (compressed layers): about 12.6 GB for the CUDA images of 2025-2026
// (github.com/vllm-project/vllm/issues/27154, "around 12 GB" for
// vllm/vllm-openai:latest, 2025-10-18; the linked discuss.vllm.ai thread
// "current vLLM docker image size is 12.64GB"). An estimate: the pinned
// tag's own size is not published; imageGB is its unpacked size on disk.
const ImagePullGB = 12.6

// Volume is an instance's encrypted gp3 root volume.
type Volume struct {
	GB    int
	MiBps int
	IOPS  int
}

// VolumeFor sizes the root volume for the AMI, the checkpoint of
// checkpointGB (modelcatalog.OpenModel.CheckpointGB), the image
// and headroom (rounded up to 10 GB), and provisions the throughput that
// writes the checkpoint from the mirror and reads it back into the GPUs
// within loadTargetSeconds (rounded up to 25 MiB/s, between gp3's baseline
// and its maximum), with the IOPS that throughput needs. The launch
// template and the plan's volume line items both use it.
func VolumeFor(checkpointGB float64) Volume {
	gb := (amiBaseGB + checkpointGB + imageGB) * volumeHeadroom
	need := 2 * checkpointMiB(checkpointGB) / loadTargetSeconds
	mibps := int(math.Ceil(need/25) * 25)
	mibps = min(max(mibps, GP3BaselineMiBps), GP3MaxMiBps)
	iops := int(math.Ceil(float64(mibps) / gp3MiBpsPerIOPS))
	return Volume{
		GB:    int(math.Ceil(gb/10) * 10),
		MiBps: mibps,
		IOPS:  min(max(iops, GP3BaselineIOPS), GP3MaxIOPS),
	}
}

// checkpointMiB is the checkpoint in MiB.
func checkpointMiB(checkpointGB float64) float64 {
	return checkpointGB * 1e9 / mib
}

// MirrorStartSeconds is how long an instance takes to serve when the
// fleet's S3 mirror holds the weights: boot, the checkpoint written to the
// volume and read back at its provisioned throughput (the S3 gateway
// endpoint delivers faster than a gp3 volume writes).
func MirrorStartSeconds(checkpointGB float64) int {
	v := VolumeFor(checkpointGB)
	return bootSeconds + int(math.Ceil(2*checkpointMiB(checkpointGB)/float64(v.MiBps)))
}

// HubStartSeconds is how long the first instance takes to serve, filling
// the mirror: boot, the download from Hugging Face through the NAT
// gateway, the upload to the mirror and the load, the last two at the
// volume's throughput.
func HubStartSeconds(checkpointGB float64) int {
	v := VolumeFor(checkpointGB)
	download := checkpointGB * 1e3 / hubMBps
	return bootSeconds + int(math.Ceil(download+2*checkpointMiB(checkpointGB)/float64(v.MiBps)))
}

// ScaleUpLeadMinutes is how long before the working day a business-hours
// fleet scales up so that it serves at its start: the start from the
// mirror, rounded up to 5 minutes.
func ScaleUpLeadMinutes(checkpointGB float64) int {
	return (MirrorStartSeconds(checkpointGB) + 299) / 300 * 5
}
