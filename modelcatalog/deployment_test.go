package modelcatalog

import "testing"

// TestDeploymentImageRegion: an ECR image's pulls stay in the Region only
// for a fleet there; of two stacks deploying one spec the gate prices the
// costlier, which pulls through NAT where their images' Regions differ;
// and a catalog resolved for one deployment keeps what it resolved.
func TestDeploymentImageRegion(t *testing.T) {
	east := Deployment{ImageFromECR: true, ImageRegion: "us-east-1"}
	west := Deployment{ImageFromECR: true, ImageRegion: "eu-west-1"}
	cache := Deployment{ImageFromECR: true, PullCache: true}
	hub := Deployment{}
	for _, tt := range []struct {
		name string
		got  Deployment
		want Deployment
	}{
		{"in its Region", east.In("us-east-1"), east},
		{"in another Region", east.In("eu-west-1"), Deployment{ImageRegion: "us-east-1"}},
		{"the pull-through cache is in every Region", cache.In("eu-west-1"), cache},
		{"two Regions' images", east.Costlier(west), hub},
		{"one Region's image twice", east.Costlier(east), east},
		{"an image and the cache", east.Costlier(cache), Deployment{ImageFromECR: true, ImageRegion: "us-east-1", PullCache: true}},
		{"the cache and an image", cache.Costlier(east), Deployment{ImageFromECR: true, ImageRegion: "us-east-1", PullCache: true}},
		{"an image and Docker Hub", east.Costlier(hub), hub},
		{"or keeps the in-Region pull", cache.or(west), Deployment{ImageFromECR: true, PullCache: true}},
		{"or of Docker Hub and an image", hub.or(west), west},
		{"or keeps another Region's image", hub.or(east.In("eu-west-1")), Deployment{ImageRegion: "us-east-1"}},
	} {
		if tt.got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.name, tt.got, tt.want)
		}
	}
	if got := east.String(); got != "own VPC, image from ECR in us-east-1" {
		t.Errorf("String() = %q", got)
	}
}
