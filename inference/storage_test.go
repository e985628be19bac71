package inference

import (
	"fmt"
	"testing"
)

// TestVolumeAndStartTimes: the volume holds the AMI, the checkpoint and
// the image; its throughput writes and reads the checkpoint in about five
// minutes within gp3's limits, with the IOPS that throughput needs; a start
// from the mirror is faster than the first, from Hugging Face, and the
// scale-up lead covers it.
func TestVolumeAndStartTimes(t *testing.T) {
	tests := []struct {
		checkpoint        float64
		want              Volume
		mirror, hub, lead int
	}{
		{30.4, Volume{GB: 200, MiBps: 200, IOPS: 3000}, 890, 1194, 15},
		{141.2, Volume{GB: 330, MiBps: 900, IOPS: 3600}, 900, 2312, 15},
		{960, Volume{GB: 1310, MiBps: 1000, IOPS: 4000}, 2432, 12032, 45},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.checkpoint), func(t *testing.T) {
			v := VolumeFor(tt.checkpoint)
			if v != tt.want {
				t.Errorf("VolumeFor(%v) = %+v, want %+v", tt.checkpoint, v, tt.want)
			}
			if float64(v.GB) < amiBaseGB+tt.checkpoint+imageGB || float64(v.MiBps) > float64(v.IOPS)*gp3MiBpsPerIOPS ||
				v.MiBps < GP3BaselineMiBps || v.MiBps > GP3MaxMiBps || v.IOPS < GP3BaselineIOPS || v.IOPS > GP3MaxIOPS {
				t.Errorf("volume %+v outside gp3's limits or too small for %v GB", v, tt.checkpoint)
			}
			m, h, l := MirrorStartSeconds(tt.checkpoint), HubStartSeconds(tt.checkpoint), ScaleUpLeadMinutes(tt.checkpoint)
			if m != tt.mirror || h != tt.hub || l != tt.lead {
				t.Errorf("starts %d s from the mirror, %d s from the hub, lead %d min; want %d, %d, %d", m, h, l, tt.mirror, tt.hub, tt.lead)
			}
			if m >= h || l*60 < m {
				t.Errorf("mirror start %d s, hub %d s, lead %d min", m, h, l)
			}
		})
	}
}
